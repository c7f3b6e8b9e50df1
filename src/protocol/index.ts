export * from './channels';
export * from './entities';
export * from './envelope';
export * from './requests';
export * from './responses';
