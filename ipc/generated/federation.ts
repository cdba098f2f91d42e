import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AgentRuntimeInfo as _godel_v1_AgentRuntimeInfo, AgentRuntimeInfo__Output as _godel_v1_AgentRuntimeInfo__Output } from './godel/v1/AgentRuntimeInfo.js';
import type { BudgetShare as _godel_v1_BudgetShare, BudgetShare__Output as _godel_v1_BudgetShare__Output } from './godel/v1/BudgetShare.js';
import type { ExchangeRequest as _godel_v1_ExchangeRequest, ExchangeRequest__Output as _godel_v1_ExchangeRequest__Output } from './godel/v1/ExchangeRequest.js';
import type { ExchangeResponse as _godel_v1_ExchangeResponse, ExchangeResponse__Output as _godel_v1_ExchangeResponse__Output } from './godel/v1/ExchangeResponse.js';
import type { FederationClient as _godel_v1_FederationClient, FederationDefinition as _godel_v1_FederationDefinition } from './godel/v1/Federation.js';
import type { InfoRequest as _godel_v1_InfoRequest, InfoRequest__Output as _godel_v1_InfoRequest__Output } from './godel/v1/InfoRequest.js';
import type { InfoResponse as _godel_v1_InfoResponse, InfoResponse__Output as _godel_v1_InfoResponse__Output } from './godel/v1/InfoResponse.js';
import type { MemberAddress as _godel_v1_MemberAddress, MemberAddress__Output as _godel_v1_MemberAddress__Output } from './godel/v1/MemberAddress.js';
import type { MetadataEntry as _godel_v1_MetadataEntry, MetadataEntry__Output as _godel_v1_MetadataEntry__Output } from './godel/v1/MetadataEntry.js';
import type { NodeCapacity as _godel_v1_NodeCapacity, NodeCapacity__Output as _godel_v1_NodeCapacity__Output } from './godel/v1/NodeCapacity.js';
import type { NodeInfo as _godel_v1_NodeInfo, NodeInfo__Output as _godel_v1_NodeInfo__Output } from './godel/v1/NodeInfo.js';
import type { NodePool as _godel_v1_NodePool, NodePool__Output as _godel_v1_NodePool__Output } from './godel/v1/NodePool.js';
import type { NodesRequest as _godel_v1_NodesRequest, NodesRequest__Output as _godel_v1_NodesRequest__Output } from './godel/v1/NodesRequest.js';
import type { NodesResponse as _godel_v1_NodesResponse, NodesResponse__Output as _godel_v1_NodesResponse__Output } from './godel/v1/NodesResponse.js';
import type { ProviderInfo as _godel_v1_ProviderInfo, ProviderInfo__Output as _godel_v1_ProviderInfo__Output } from './godel/v1/ProviderInfo.js';
import type { RelayCaller as _godel_v1_RelayCaller, RelayCaller__Output as _godel_v1_RelayCaller__Output } from './godel/v1/RelayCaller.js';
import type { RelayFrame as _godel_v1_RelayFrame, RelayFrame__Output as _godel_v1_RelayFrame__Output } from './godel/v1/RelayFrame.js';
import type { RelayStart as _godel_v1_RelayStart, RelayStart__Output as _godel_v1_RelayStart__Output } from './godel/v1/RelayStart.js';
import type { RelayStatus as _godel_v1_RelayStatus, RelayStatus__Output as _godel_v1_RelayStatus__Output } from './godel/v1/RelayStatus.js';
import type { SystemClient as _godel_v1_SystemClient, SystemDefinition as _godel_v1_SystemDefinition } from './godel/v1/System.js';
import type { TemplateInfo as _godel_v1_TemplateInfo, TemplateInfo__Output as _godel_v1_TemplateInfo__Output } from './godel/v1/TemplateInfo.js';
import type { VersionRequest as _godel_v1_VersionRequest, VersionRequest__Output as _godel_v1_VersionRequest__Output } from './godel/v1/VersionRequest.js';
import type { VersionResponse as _godel_v1_VersionResponse, VersionResponse__Output as _godel_v1_VersionResponse__Output } from './godel/v1/VersionResponse.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  godel: {
    v1: {
      AgentRuntimeInfo: MessageTypeDefinition<_godel_v1_AgentRuntimeInfo, _godel_v1_AgentRuntimeInfo__Output>
      BudgetShare: MessageTypeDefinition<_godel_v1_BudgetShare, _godel_v1_BudgetShare__Output>
      ExchangeRequest: MessageTypeDefinition<_godel_v1_ExchangeRequest, _godel_v1_ExchangeRequest__Output>
      ExchangeResponse: MessageTypeDefinition<_godel_v1_ExchangeResponse, _godel_v1_ExchangeResponse__Output>
      /**
       * Federation is served on the peer port only, to peers that present a certificate from the federation's
       * CA. Clients never call it: they use the public services on their own node's Unix socket.
       */
      Federation: SubtypeConstructor<typeof grpc.Client, _godel_v1_FederationClient> & { service: _godel_v1_FederationDefinition }
      InfoRequest: MessageTypeDefinition<_godel_v1_InfoRequest, _godel_v1_InfoRequest__Output>
      InfoResponse: MessageTypeDefinition<_godel_v1_InfoResponse, _godel_v1_InfoResponse__Output>
      MemberAddress: MessageTypeDefinition<_godel_v1_MemberAddress, _godel_v1_MemberAddress__Output>
      MetadataEntry: MessageTypeDefinition<_godel_v1_MetadataEntry, _godel_v1_MetadataEntry__Output>
      NodeCapacity: MessageTypeDefinition<_godel_v1_NodeCapacity, _godel_v1_NodeCapacity__Output>
      NodeInfo: MessageTypeDefinition<_godel_v1_NodeInfo, _godel_v1_NodeInfo__Output>
      NodePool: MessageTypeDefinition<_godel_v1_NodePool, _godel_v1_NodePool__Output>
      NodesRequest: MessageTypeDefinition<_godel_v1_NodesRequest, _godel_v1_NodesRequest__Output>
      NodesResponse: MessageTypeDefinition<_godel_v1_NodesResponse, _godel_v1_NodesResponse__Output>
      ProviderInfo: MessageTypeDefinition<_godel_v1_ProviderInfo, _godel_v1_ProviderInfo__Output>
      RelayCaller: MessageTypeDefinition<_godel_v1_RelayCaller, _godel_v1_RelayCaller__Output>
      RelayFrame: MessageTypeDefinition<_godel_v1_RelayFrame, _godel_v1_RelayFrame__Output>
      RelayStart: MessageTypeDefinition<_godel_v1_RelayStart, _godel_v1_RelayStart__Output>
      RelayStatus: MessageTypeDefinition<_godel_v1_RelayStatus, _godel_v1_RelayStatus__Output>
      /**
       * System describes the daemon itself.
       */
      System: SubtypeConstructor<typeof grpc.Client, _godel_v1_SystemClient> & { service: _godel_v1_SystemDefinition }
      TemplateInfo: MessageTypeDefinition<_godel_v1_TemplateInfo, _godel_v1_TemplateInfo__Output>
      VersionRequest: MessageTypeDefinition<_godel_v1_VersionRequest, _godel_v1_VersionRequest__Output>
      VersionResponse: MessageTypeDefinition<_godel_v1_VersionResponse, _godel_v1_VersionResponse__Output>
    }
  }
  google: {
    protobuf: {
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
}

