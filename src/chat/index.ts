/** The chat core: no vscode import. The VS Code layer adapts a LanguageModelChat to ChatModelPort and the host's request to ChannelClient. */
export { ChannelError, type ChannelClient } from './channelClient';
export { ChatService, type ChatServiceOptions, type ChatTurnResult, type ConfirmResult, type SendOptions } from './chatService';
export { ChatHistory, DEFAULT_HISTORY_LIMITS, type ChatHistoryEntry, type ChatHistoryLimits, type ChatHistorySnapshot, type ToolCallRecord } from './history';
export { describeModelError, isTokenLimitError, type ModelErrorInfo, type ModelErrorKind } from './modelErrors';
export type { ChatMessage, ChatModelInfo, ChatModelPort, ChatModelTool, ChatPart, ChatResponsePart } from './modelPort';
export type { PendingAction } from './pendingActions';
export { systemPrompt, type PromptLocation } from './prompt';
export { helpText, noModelReply, parseSlashCommand, runSlashCommand, SLASH_COMMANDS } from './slashCommands';
export { agentTools, type AgentPreparation, type AgentTool } from './agentTools';
export { languageModelToolContributions, type LanguageModelToolContribution } from './toolContributions';
export { CHAT_TOOLS, executeWrite, findTool, modelToolInfo, parseToolCall, prepareWrite, runReadTool, toolInputJsonSchema } from './toolSet';
export type { ChatTool, PlannedWrite, ReadTool, ToolContext, ToolOutcome, ToolRef, WritePlan, WriteTool } from './toolSet';
export { runTurn, DEFAULT_MAX_ROUNDS, type TurnOptions, type TurnResult, type TurnTimings } from './turnEngine';
