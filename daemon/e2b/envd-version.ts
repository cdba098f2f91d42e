// The envd version this endpoint reports. The SDK gates features on it: 0.5.2 closeStdin and 0.5.7
// octet-stream uploads are built here; 0.6.2 (file metadata) and 0.6.3 (entries in watch events) are
// not, so it must stay below 0.6.2 until they are.
export const ENVD_VERSION = '0.5.7';
