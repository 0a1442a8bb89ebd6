export { familyNames, mongoReadModelFamily, redisReadModelFamily, referenceFamily, type FamilyName, type ReadSideConnections } from './reference-families';
export { ProjectorModule, type ProjectorConnections } from './projector.module';
export { projectorSettingsFromEnv, positiveIntFromEnv, type ProjectorSettings } from './projector-settings';
