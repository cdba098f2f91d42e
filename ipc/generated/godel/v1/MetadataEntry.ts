// Original file: ipc/proto/godel/v1/federation.proto


export interface MetadataEntry {
  'key'?: (string);
  /**
   * Text for ordinary keys, the raw bytes for "-bin" keys.
   */
  'value'?: (Buffer | Uint8Array | string);
}

export interface MetadataEntry__Output {
  'key': (string);
  /**
   * Text for ordinary keys, the raw bytes for "-bin" keys.
   */
  'value': (Buffer);
}
