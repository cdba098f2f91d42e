import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { CloseFile as _godel_v1_CloseFile, CloseFile__Output as _godel_v1_CloseFile__Output } from './godel/v1/CloseFile.js';
import type { FileChunk as _godel_v1_FileChunk, FileChunk__Output as _godel_v1_FileChunk__Output } from './godel/v1/FileChunk.js';
import type { FileClosed as _godel_v1_FileClosed, FileClosed__Output as _godel_v1_FileClosed__Output } from './godel/v1/FileClosed.js';
import type { FileEvent as _godel_v1_FileEvent, FileEvent__Output as _godel_v1_FileEvent__Output } from './godel/v1/FileEvent.js';
import type { FileInfo as _godel_v1_FileInfo, FileInfo__Output as _godel_v1_FileInfo__Output } from './godel/v1/FileInfo.js';
import type { FileTicket as _godel_v1_FileTicket, FileTicket__Output as _godel_v1_FileTicket__Output } from './godel/v1/FileTicket.js';
import type { FilesClient as _godel_v1_FilesClient, FilesDefinition as _godel_v1_FilesDefinition } from './godel/v1/Files.js';
import type { GetArchiveRequest as _godel_v1_GetArchiveRequest, GetArchiveRequest__Output as _godel_v1_GetArchiveRequest__Output } from './godel/v1/GetArchiveRequest.js';
import type { ListFilesRequest as _godel_v1_ListFilesRequest, ListFilesRequest__Output as _godel_v1_ListFilesRequest__Output } from './godel/v1/ListFilesRequest.js';
import type { ListFilesResponse as _godel_v1_ListFilesResponse, ListFilesResponse__Output as _godel_v1_ListFilesResponse__Output } from './godel/v1/ListFilesResponse.js';
import type { MakeDirRequest as _godel_v1_MakeDirRequest, MakeDirRequest__Output as _godel_v1_MakeDirRequest__Output } from './godel/v1/MakeDirRequest.js';
import type { MakeDirResponse as _godel_v1_MakeDirResponse, MakeDirResponse__Output as _godel_v1_MakeDirResponse__Output } from './godel/v1/MakeDirResponse.js';
import type { MoveRequest as _godel_v1_MoveRequest, MoveRequest__Output as _godel_v1_MoveRequest__Output } from './godel/v1/MoveRequest.js';
import type { MoveResponse as _godel_v1_MoveResponse, MoveResponse__Output as _godel_v1_MoveResponse__Output } from './godel/v1/MoveResponse.js';
import type { OpenFileHeader as _godel_v1_OpenFileHeader, OpenFileHeader__Output as _godel_v1_OpenFileHeader__Output } from './godel/v1/OpenFileHeader.js';
import type { OpenFileRequest as _godel_v1_OpenFileRequest, OpenFileRequest__Output as _godel_v1_OpenFileRequest__Output } from './godel/v1/OpenFileRequest.js';
import type { OpenFileResponse as _godel_v1_OpenFileResponse, OpenFileResponse__Output as _godel_v1_OpenFileResponse__Output } from './godel/v1/OpenFileResponse.js';
import type { PutArchiveHeader as _godel_v1_PutArchiveHeader, PutArchiveHeader__Output as _godel_v1_PutArchiveHeader__Output } from './godel/v1/PutArchiveHeader.js';
import type { PutArchiveRequest as _godel_v1_PutArchiveRequest, PutArchiveRequest__Output as _godel_v1_PutArchiveRequest__Output } from './godel/v1/PutArchiveRequest.js';
import type { PutArchiveResponse as _godel_v1_PutArchiveResponse, PutArchiveResponse__Output as _godel_v1_PutArchiveResponse__Output } from './godel/v1/PutArchiveResponse.js';
import type { ReadFileRequest as _godel_v1_ReadFileRequest, ReadFileRequest__Output as _godel_v1_ReadFileRequest__Output } from './godel/v1/ReadFileRequest.js';
import type { RemoveRequest as _godel_v1_RemoveRequest, RemoveRequest__Output as _godel_v1_RemoveRequest__Output } from './godel/v1/RemoveRequest.js';
import type { RemoveResponse as _godel_v1_RemoveResponse, RemoveResponse__Output as _godel_v1_RemoveResponse__Output } from './godel/v1/RemoveResponse.js';
import type { StatRequest as _godel_v1_StatRequest, StatRequest__Output as _godel_v1_StatRequest__Output } from './godel/v1/StatRequest.js';
import type { WatchFilesRequest as _godel_v1_WatchFilesRequest, WatchFilesRequest__Output as _godel_v1_WatchFilesRequest__Output } from './godel/v1/WatchFilesRequest.js';
import type { WriteFileHeader as _godel_v1_WriteFileHeader, WriteFileHeader__Output as _godel_v1_WriteFileHeader__Output } from './godel/v1/WriteFileHeader.js';
import type { WriteFileRequest as _godel_v1_WriteFileRequest, WriteFileRequest__Output as _godel_v1_WriteFileRequest__Output } from './godel/v1/WriteFileRequest.js';
import type { WriteFileResponse as _godel_v1_WriteFileResponse, WriteFileResponse__Output as _godel_v1_WriteFileResponse__Output } from './godel/v1/WriteFileResponse.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  godel: {
    v1: {
      CloseFile: MessageTypeDefinition<_godel_v1_CloseFile, _godel_v1_CloseFile__Output>
      FileAccess: EnumTypeDefinition
      FileChunk: MessageTypeDefinition<_godel_v1_FileChunk, _godel_v1_FileChunk__Output>
      FileClosed: MessageTypeDefinition<_godel_v1_FileClosed, _godel_v1_FileClosed__Output>
      FileEvent: MessageTypeDefinition<_godel_v1_FileEvent, _godel_v1_FileEvent__Output>
      FileInfo: MessageTypeDefinition<_godel_v1_FileInfo, _godel_v1_FileInfo__Output>
      FileTicket: MessageTypeDefinition<_godel_v1_FileTicket, _godel_v1_FileTicket__Output>
      FileType: EnumTypeDefinition
      /**
       * Files moves files in and out of a sandbox. Every path is absolute and resolved inside the sandbox's
       * own view of its filesystem, as the sandbox's user: a symlink can never lead to a host file that the
       * sandbox does not itself see, and files written belong to the sandbox's user.
       */
      Files: SubtypeConstructor<typeof grpc.Client, _godel_v1_FilesClient> & { service: _godel_v1_FilesDefinition }
      GetArchiveRequest: MessageTypeDefinition<_godel_v1_GetArchiveRequest, _godel_v1_GetArchiveRequest__Output>
      ListFilesRequest: MessageTypeDefinition<_godel_v1_ListFilesRequest, _godel_v1_ListFilesRequest__Output>
      ListFilesResponse: MessageTypeDefinition<_godel_v1_ListFilesResponse, _godel_v1_ListFilesResponse__Output>
      MakeDirRequest: MessageTypeDefinition<_godel_v1_MakeDirRequest, _godel_v1_MakeDirRequest__Output>
      MakeDirResponse: MessageTypeDefinition<_godel_v1_MakeDirResponse, _godel_v1_MakeDirResponse__Output>
      MoveRequest: MessageTypeDefinition<_godel_v1_MoveRequest, _godel_v1_MoveRequest__Output>
      MoveResponse: MessageTypeDefinition<_godel_v1_MoveResponse, _godel_v1_MoveResponse__Output>
      OpenFileHeader: MessageTypeDefinition<_godel_v1_OpenFileHeader, _godel_v1_OpenFileHeader__Output>
      OpenFileRequest: MessageTypeDefinition<_godel_v1_OpenFileRequest, _godel_v1_OpenFileRequest__Output>
      OpenFileResponse: MessageTypeDefinition<_godel_v1_OpenFileResponse, _godel_v1_OpenFileResponse__Output>
      PutArchiveHeader: MessageTypeDefinition<_godel_v1_PutArchiveHeader, _godel_v1_PutArchiveHeader__Output>
      PutArchiveRequest: MessageTypeDefinition<_godel_v1_PutArchiveRequest, _godel_v1_PutArchiveRequest__Output>
      PutArchiveResponse: MessageTypeDefinition<_godel_v1_PutArchiveResponse, _godel_v1_PutArchiveResponse__Output>
      ReadFileRequest: MessageTypeDefinition<_godel_v1_ReadFileRequest, _godel_v1_ReadFileRequest__Output>
      RemoveRequest: MessageTypeDefinition<_godel_v1_RemoveRequest, _godel_v1_RemoveRequest__Output>
      RemoveResponse: MessageTypeDefinition<_godel_v1_RemoveResponse, _godel_v1_RemoveResponse__Output>
      StatRequest: MessageTypeDefinition<_godel_v1_StatRequest, _godel_v1_StatRequest__Output>
      WatchFilesRequest: MessageTypeDefinition<_godel_v1_WatchFilesRequest, _godel_v1_WatchFilesRequest__Output>
      WriteFileHeader: MessageTypeDefinition<_godel_v1_WriteFileHeader, _godel_v1_WriteFileHeader__Output>
      WriteFileRequest: MessageTypeDefinition<_godel_v1_WriteFileRequest, _godel_v1_WriteFileRequest__Output>
      WriteFileResponse: MessageTypeDefinition<_godel_v1_WriteFileResponse, _godel_v1_WriteFileResponse__Output>
      WriteMode: EnumTypeDefinition
    }
  }
  google: {
    protobuf: {
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
}

