// Original file: ipc/proto/godel/v1/files.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { FileChunk as _godel_v1_FileChunk, FileChunk__Output as _godel_v1_FileChunk__Output } from '../../godel/v1/FileChunk.js';
import type { FileEvent as _godel_v1_FileEvent, FileEvent__Output as _godel_v1_FileEvent__Output } from '../../godel/v1/FileEvent.js';
import type { FileInfo as _godel_v1_FileInfo, FileInfo__Output as _godel_v1_FileInfo__Output } from '../../godel/v1/FileInfo.js';
import type { GetArchiveRequest as _godel_v1_GetArchiveRequest, GetArchiveRequest__Output as _godel_v1_GetArchiveRequest__Output } from '../../godel/v1/GetArchiveRequest.js';
import type { ListFilesRequest as _godel_v1_ListFilesRequest, ListFilesRequest__Output as _godel_v1_ListFilesRequest__Output } from '../../godel/v1/ListFilesRequest.js';
import type { ListFilesResponse as _godel_v1_ListFilesResponse, ListFilesResponse__Output as _godel_v1_ListFilesResponse__Output } from '../../godel/v1/ListFilesResponse.js';
import type { MakeDirRequest as _godel_v1_MakeDirRequest, MakeDirRequest__Output as _godel_v1_MakeDirRequest__Output } from '../../godel/v1/MakeDirRequest.js';
import type { MakeDirResponse as _godel_v1_MakeDirResponse, MakeDirResponse__Output as _godel_v1_MakeDirResponse__Output } from '../../godel/v1/MakeDirResponse.js';
import type { MoveRequest as _godel_v1_MoveRequest, MoveRequest__Output as _godel_v1_MoveRequest__Output } from '../../godel/v1/MoveRequest.js';
import type { MoveResponse as _godel_v1_MoveResponse, MoveResponse__Output as _godel_v1_MoveResponse__Output } from '../../godel/v1/MoveResponse.js';
import type { OpenFileRequest as _godel_v1_OpenFileRequest, OpenFileRequest__Output as _godel_v1_OpenFileRequest__Output } from '../../godel/v1/OpenFileRequest.js';
import type { OpenFileResponse as _godel_v1_OpenFileResponse, OpenFileResponse__Output as _godel_v1_OpenFileResponse__Output } from '../../godel/v1/OpenFileResponse.js';
import type { PutArchiveRequest as _godel_v1_PutArchiveRequest, PutArchiveRequest__Output as _godel_v1_PutArchiveRequest__Output } from '../../godel/v1/PutArchiveRequest.js';
import type { PutArchiveResponse as _godel_v1_PutArchiveResponse, PutArchiveResponse__Output as _godel_v1_PutArchiveResponse__Output } from '../../godel/v1/PutArchiveResponse.js';
import type { ReadFileRequest as _godel_v1_ReadFileRequest, ReadFileRequest__Output as _godel_v1_ReadFileRequest__Output } from '../../godel/v1/ReadFileRequest.js';
import type { RemoveRequest as _godel_v1_RemoveRequest, RemoveRequest__Output as _godel_v1_RemoveRequest__Output } from '../../godel/v1/RemoveRequest.js';
import type { RemoveResponse as _godel_v1_RemoveResponse, RemoveResponse__Output as _godel_v1_RemoveResponse__Output } from '../../godel/v1/RemoveResponse.js';
import type { StatRequest as _godel_v1_StatRequest, StatRequest__Output as _godel_v1_StatRequest__Output } from '../../godel/v1/StatRequest.js';
import type { WatchFilesRequest as _godel_v1_WatchFilesRequest, WatchFilesRequest__Output as _godel_v1_WatchFilesRequest__Output } from '../../godel/v1/WatchFilesRequest.js';
import type { WriteFileRequest as _godel_v1_WriteFileRequest, WriteFileRequest__Output as _godel_v1_WriteFileRequest__Output } from '../../godel/v1/WriteFileRequest.js';
import type { WriteFileResponse as _godel_v1_WriteFileResponse, WriteFileResponse__Output as _godel_v1_WriteFileResponse__Output } from '../../godel/v1/WriteFileResponse.js';

/**
 * Files moves files in and out of a sandbox. Every path is absolute and resolved inside the sandbox's
 * own view of its filesystem, as the sandbox's user: a symlink can never lead to a host file that the
 * sandbox does not itself see, and files written belong to the sandbox's user.
 */
export interface FilesClient extends grpc.Client {
  /**
   * GetArchive packs a file or directory as a tar stream.
   */
  GetArchive(argument: _godel_v1_GetArchiveRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_FileChunk__Output>;
  GetArchive(argument: _godel_v1_GetArchiveRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_FileChunk__Output>;
  /**
   * GetArchive packs a file or directory as a tar stream.
   */
  getArchive(argument: _godel_v1_GetArchiveRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_FileChunk__Output>;
  getArchive(argument: _godel_v1_GetArchiveRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_FileChunk__Output>;
  
  /**
   * List lists a directory, descending depth levels (1: its entries only).
   */
  List(argument: _godel_v1_ListFilesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ListFilesResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _godel_v1_ListFilesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_ListFilesResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _godel_v1_ListFilesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ListFilesResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _godel_v1_ListFilesRequest, callback: grpc.requestCallback<_godel_v1_ListFilesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * List lists a directory, descending depth levels (1: its entries only).
   */
  list(argument: _godel_v1_ListFilesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ListFilesResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _godel_v1_ListFilesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_ListFilesResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _godel_v1_ListFilesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ListFilesResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _godel_v1_ListFilesRequest, callback: grpc.requestCallback<_godel_v1_ListFilesResponse__Output>): grpc.ClientUnaryCall;
  
  MakeDir(argument: _godel_v1_MakeDirRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_MakeDirResponse__Output>): grpc.ClientUnaryCall;
  MakeDir(argument: _godel_v1_MakeDirRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_MakeDirResponse__Output>): grpc.ClientUnaryCall;
  MakeDir(argument: _godel_v1_MakeDirRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_MakeDirResponse__Output>): grpc.ClientUnaryCall;
  MakeDir(argument: _godel_v1_MakeDirRequest, callback: grpc.requestCallback<_godel_v1_MakeDirResponse__Output>): grpc.ClientUnaryCall;
  makeDir(argument: _godel_v1_MakeDirRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_MakeDirResponse__Output>): grpc.ClientUnaryCall;
  makeDir(argument: _godel_v1_MakeDirRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_MakeDirResponse__Output>): grpc.ClientUnaryCall;
  makeDir(argument: _godel_v1_MakeDirRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_MakeDirResponse__Output>): grpc.ClientUnaryCall;
  makeDir(argument: _godel_v1_MakeDirRequest, callback: grpc.requestCallback<_godel_v1_MakeDirResponse__Output>): grpc.ClientUnaryCall;
  
  Move(argument: _godel_v1_MoveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_MoveResponse__Output>): grpc.ClientUnaryCall;
  Move(argument: _godel_v1_MoveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_MoveResponse__Output>): grpc.ClientUnaryCall;
  Move(argument: _godel_v1_MoveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_MoveResponse__Output>): grpc.ClientUnaryCall;
  Move(argument: _godel_v1_MoveRequest, callback: grpc.requestCallback<_godel_v1_MoveResponse__Output>): grpc.ClientUnaryCall;
  move(argument: _godel_v1_MoveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_MoveResponse__Output>): grpc.ClientUnaryCall;
  move(argument: _godel_v1_MoveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_MoveResponse__Output>): grpc.ClientUnaryCall;
  move(argument: _godel_v1_MoveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_MoveResponse__Output>): grpc.ClientUnaryCall;
  move(argument: _godel_v1_MoveRequest, callback: grpc.requestCallback<_godel_v1_MoveResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Open lends a client on this host a regular file of the sandbox: the open file itself, so that its
   * bytes move between the client and the file with no copy through gRPC or the daemon (Read and Write
   * stream every byte through both). The file is opened as Read and Write open it: inside the sandbox,
   * as its user, and only a regular file is lent.
   * 
   * The first message is the header; the daemon answers with a ticket. The client exchanges the ticket
   * for the descriptor on a new connection to the daemon's socket: it sends the line
   * "GODEL-FD/1 <ticket>\n" and receives either "OK\n" with the descriptor attached (SCM_RIGHTS) or
   * "ERR <godel-error-code> <message>\n". A ticket is good once, for 30 seconds, and only for a client
   * of the same uid as the caller of Open (or root).
   * 
   * The call stays open while the client uses the file. The client's `close` message ends it: the
   * daemon then puts an atomic write in place and answers `closed` with the file's size. Ending its
   * side without `close` is a close without commit; a client that goes away abandons the file the
   * same way. Either discards an atomic write.
   * Providers that cannot lend files answer NOT_SUPPORTED: use Read and Write there.
   */
  Open(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_godel_v1_OpenFileRequest, _godel_v1_OpenFileResponse__Output>;
  Open(options?: grpc.CallOptions): grpc.ClientDuplexStream<_godel_v1_OpenFileRequest, _godel_v1_OpenFileResponse__Output>;
  /**
   * Open lends a client on this host a regular file of the sandbox: the open file itself, so that its
   * bytes move between the client and the file with no copy through gRPC or the daemon (Read and Write
   * stream every byte through both). The file is opened as Read and Write open it: inside the sandbox,
   * as its user, and only a regular file is lent.
   * 
   * The first message is the header; the daemon answers with a ticket. The client exchanges the ticket
   * for the descriptor on a new connection to the daemon's socket: it sends the line
   * "GODEL-FD/1 <ticket>\n" and receives either "OK\n" with the descriptor attached (SCM_RIGHTS) or
   * "ERR <godel-error-code> <message>\n". A ticket is good once, for 30 seconds, and only for a client
   * of the same uid as the caller of Open (or root).
   * 
   * The call stays open while the client uses the file. The client's `close` message ends it: the
   * daemon then puts an atomic write in place and answers `closed` with the file's size. Ending its
   * side without `close` is a close without commit; a client that goes away abandons the file the
   * same way. Either discards an atomic write.
   * Providers that cannot lend files answer NOT_SUPPORTED: use Read and Write there.
   */
  open(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_godel_v1_OpenFileRequest, _godel_v1_OpenFileResponse__Output>;
  open(options?: grpc.CallOptions): grpc.ClientDuplexStream<_godel_v1_OpenFileRequest, _godel_v1_OpenFileResponse__Output>;
  
  /**
   * PutArchive unpacks a tar stream (a header, then the tar's bytes in chunks) into a directory.
   */
  PutArchive(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_PutArchiveResponse__Output>): grpc.ClientWritableStream<_godel_v1_PutArchiveRequest>;
  PutArchive(metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_PutArchiveResponse__Output>): grpc.ClientWritableStream<_godel_v1_PutArchiveRequest>;
  PutArchive(options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_PutArchiveResponse__Output>): grpc.ClientWritableStream<_godel_v1_PutArchiveRequest>;
  PutArchive(callback: grpc.requestCallback<_godel_v1_PutArchiveResponse__Output>): grpc.ClientWritableStream<_godel_v1_PutArchiveRequest>;
  /**
   * PutArchive unpacks a tar stream (a header, then the tar's bytes in chunks) into a directory.
   */
  putArchive(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_PutArchiveResponse__Output>): grpc.ClientWritableStream<_godel_v1_PutArchiveRequest>;
  putArchive(metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_PutArchiveResponse__Output>): grpc.ClientWritableStream<_godel_v1_PutArchiveRequest>;
  putArchive(options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_PutArchiveResponse__Output>): grpc.ClientWritableStream<_godel_v1_PutArchiveRequest>;
  putArchive(callback: grpc.requestCallback<_godel_v1_PutArchiveResponse__Output>): grpc.ClientWritableStream<_godel_v1_PutArchiveRequest>;
  
  /**
   * Read streams a file's bytes in chunks, from offset, at most length bytes (0: to the end).
   */
  Read(argument: _godel_v1_ReadFileRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_FileChunk__Output>;
  Read(argument: _godel_v1_ReadFileRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_FileChunk__Output>;
  /**
   * Read streams a file's bytes in chunks, from offset, at most length bytes (0: to the end).
   */
  read(argument: _godel_v1_ReadFileRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_FileChunk__Output>;
  read(argument: _godel_v1_ReadFileRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_FileChunk__Output>;
  
  Remove(argument: _godel_v1_RemoveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_RemoveResponse__Output>): grpc.ClientUnaryCall;
  Remove(argument: _godel_v1_RemoveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_RemoveResponse__Output>): grpc.ClientUnaryCall;
  Remove(argument: _godel_v1_RemoveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_RemoveResponse__Output>): grpc.ClientUnaryCall;
  Remove(argument: _godel_v1_RemoveRequest, callback: grpc.requestCallback<_godel_v1_RemoveResponse__Output>): grpc.ClientUnaryCall;
  remove(argument: _godel_v1_RemoveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_RemoveResponse__Output>): grpc.ClientUnaryCall;
  remove(argument: _godel_v1_RemoveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_RemoveResponse__Output>): grpc.ClientUnaryCall;
  remove(argument: _godel_v1_RemoveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_RemoveResponse__Output>): grpc.ClientUnaryCall;
  remove(argument: _godel_v1_RemoveRequest, callback: grpc.requestCallback<_godel_v1_RemoveResponse__Output>): grpc.ClientUnaryCall;
  
  Stat(argument: _godel_v1_StatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_FileInfo__Output>): grpc.ClientUnaryCall;
  Stat(argument: _godel_v1_StatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_FileInfo__Output>): grpc.ClientUnaryCall;
  Stat(argument: _godel_v1_StatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_FileInfo__Output>): grpc.ClientUnaryCall;
  Stat(argument: _godel_v1_StatRequest, callback: grpc.requestCallback<_godel_v1_FileInfo__Output>): grpc.ClientUnaryCall;
  stat(argument: _godel_v1_StatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_FileInfo__Output>): grpc.ClientUnaryCall;
  stat(argument: _godel_v1_StatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_FileInfo__Output>): grpc.ClientUnaryCall;
  stat(argument: _godel_v1_StatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_FileInfo__Output>): grpc.ClientUnaryCall;
  stat(argument: _godel_v1_StatRequest, callback: grpc.requestCallback<_godel_v1_FileInfo__Output>): grpc.ClientUnaryCall;
  
  /**
   * Watch streams changes under a directory of /workspace, recursively.
   */
  Watch(argument: _godel_v1_WatchFilesRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_FileEvent__Output>;
  Watch(argument: _godel_v1_WatchFilesRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_FileEvent__Output>;
  /**
   * Watch streams changes under a directory of /workspace, recursively.
   */
  watch(argument: _godel_v1_WatchFilesRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_FileEvent__Output>;
  watch(argument: _godel_v1_WatchFilesRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_FileEvent__Output>;
  
  /**
   * Write takes a header, then the file's bytes in chunks.
   */
  Write(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_WriteFileResponse__Output>): grpc.ClientWritableStream<_godel_v1_WriteFileRequest>;
  Write(metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_WriteFileResponse__Output>): grpc.ClientWritableStream<_godel_v1_WriteFileRequest>;
  Write(options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_WriteFileResponse__Output>): grpc.ClientWritableStream<_godel_v1_WriteFileRequest>;
  Write(callback: grpc.requestCallback<_godel_v1_WriteFileResponse__Output>): grpc.ClientWritableStream<_godel_v1_WriteFileRequest>;
  /**
   * Write takes a header, then the file's bytes in chunks.
   */
  write(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_WriteFileResponse__Output>): grpc.ClientWritableStream<_godel_v1_WriteFileRequest>;
  write(metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_WriteFileResponse__Output>): grpc.ClientWritableStream<_godel_v1_WriteFileRequest>;
  write(options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_WriteFileResponse__Output>): grpc.ClientWritableStream<_godel_v1_WriteFileRequest>;
  write(callback: grpc.requestCallback<_godel_v1_WriteFileResponse__Output>): grpc.ClientWritableStream<_godel_v1_WriteFileRequest>;
  
}

/**
 * Files moves files in and out of a sandbox. Every path is absolute and resolved inside the sandbox's
 * own view of its filesystem, as the sandbox's user: a symlink can never lead to a host file that the
 * sandbox does not itself see, and files written belong to the sandbox's user.
 */
export interface FilesHandlers extends grpc.UntypedServiceImplementation {
  /**
   * GetArchive packs a file or directory as a tar stream.
   */
  GetArchive: grpc.handleServerStreamingCall<_godel_v1_GetArchiveRequest__Output, _godel_v1_FileChunk>;
  
  /**
   * List lists a directory, descending depth levels (1: its entries only).
   */
  List: grpc.handleUnaryCall<_godel_v1_ListFilesRequest__Output, _godel_v1_ListFilesResponse>;
  
  MakeDir: grpc.handleUnaryCall<_godel_v1_MakeDirRequest__Output, _godel_v1_MakeDirResponse>;
  
  Move: grpc.handleUnaryCall<_godel_v1_MoveRequest__Output, _godel_v1_MoveResponse>;
  
  /**
   * Open lends a client on this host a regular file of the sandbox: the open file itself, so that its
   * bytes move between the client and the file with no copy through gRPC or the daemon (Read and Write
   * stream every byte through both). The file is opened as Read and Write open it: inside the sandbox,
   * as its user, and only a regular file is lent.
   * 
   * The first message is the header; the daemon answers with a ticket. The client exchanges the ticket
   * for the descriptor on a new connection to the daemon's socket: it sends the line
   * "GODEL-FD/1 <ticket>\n" and receives either "OK\n" with the descriptor attached (SCM_RIGHTS) or
   * "ERR <godel-error-code> <message>\n". A ticket is good once, for 30 seconds, and only for a client
   * of the same uid as the caller of Open (or root).
   * 
   * The call stays open while the client uses the file. The client's `close` message ends it: the
   * daemon then puts an atomic write in place and answers `closed` with the file's size. Ending its
   * side without `close` is a close without commit; a client that goes away abandons the file the
   * same way. Either discards an atomic write.
   * Providers that cannot lend files answer NOT_SUPPORTED: use Read and Write there.
   */
  Open: grpc.handleBidiStreamingCall<_godel_v1_OpenFileRequest__Output, _godel_v1_OpenFileResponse>;
  
  /**
   * PutArchive unpacks a tar stream (a header, then the tar's bytes in chunks) into a directory.
   */
  PutArchive: grpc.handleClientStreamingCall<_godel_v1_PutArchiveRequest__Output, _godel_v1_PutArchiveResponse>;
  
  /**
   * Read streams a file's bytes in chunks, from offset, at most length bytes (0: to the end).
   */
  Read: grpc.handleServerStreamingCall<_godel_v1_ReadFileRequest__Output, _godel_v1_FileChunk>;
  
  Remove: grpc.handleUnaryCall<_godel_v1_RemoveRequest__Output, _godel_v1_RemoveResponse>;
  
  Stat: grpc.handleUnaryCall<_godel_v1_StatRequest__Output, _godel_v1_FileInfo>;
  
  /**
   * Watch streams changes under a directory of /workspace, recursively.
   */
  Watch: grpc.handleServerStreamingCall<_godel_v1_WatchFilesRequest__Output, _godel_v1_FileEvent>;
  
  /**
   * Write takes a header, then the file's bytes in chunks.
   */
  Write: grpc.handleClientStreamingCall<_godel_v1_WriteFileRequest__Output, _godel_v1_WriteFileResponse>;
  
}

export interface FilesDefinition extends grpc.ServiceDefinition {
  GetArchive: MethodDefinition<_godel_v1_GetArchiveRequest, _godel_v1_FileChunk, _godel_v1_GetArchiveRequest__Output, _godel_v1_FileChunk__Output>
  List: MethodDefinition<_godel_v1_ListFilesRequest, _godel_v1_ListFilesResponse, _godel_v1_ListFilesRequest__Output, _godel_v1_ListFilesResponse__Output>
  MakeDir: MethodDefinition<_godel_v1_MakeDirRequest, _godel_v1_MakeDirResponse, _godel_v1_MakeDirRequest__Output, _godel_v1_MakeDirResponse__Output>
  Move: MethodDefinition<_godel_v1_MoveRequest, _godel_v1_MoveResponse, _godel_v1_MoveRequest__Output, _godel_v1_MoveResponse__Output>
  Open: MethodDefinition<_godel_v1_OpenFileRequest, _godel_v1_OpenFileResponse, _godel_v1_OpenFileRequest__Output, _godel_v1_OpenFileResponse__Output>
  PutArchive: MethodDefinition<_godel_v1_PutArchiveRequest, _godel_v1_PutArchiveResponse, _godel_v1_PutArchiveRequest__Output, _godel_v1_PutArchiveResponse__Output>
  Read: MethodDefinition<_godel_v1_ReadFileRequest, _godel_v1_FileChunk, _godel_v1_ReadFileRequest__Output, _godel_v1_FileChunk__Output>
  Remove: MethodDefinition<_godel_v1_RemoveRequest, _godel_v1_RemoveResponse, _godel_v1_RemoveRequest__Output, _godel_v1_RemoveResponse__Output>
  Stat: MethodDefinition<_godel_v1_StatRequest, _godel_v1_FileInfo, _godel_v1_StatRequest__Output, _godel_v1_FileInfo__Output>
  Watch: MethodDefinition<_godel_v1_WatchFilesRequest, _godel_v1_FileEvent, _godel_v1_WatchFilesRequest__Output, _godel_v1_FileEvent__Output>
  Write: MethodDefinition<_godel_v1_WriteFileRequest, _godel_v1_WriteFileResponse, _godel_v1_WriteFileRequest__Output, _godel_v1_WriteFileResponse__Output>
}
