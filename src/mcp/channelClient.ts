import type { ChannelClient } from '../chat/channelClient';
import type { Envelope, ErrorInfo } from '../protocol/envelope';
import { typedRequest } from '../protocol/typedRequest';
import { TOKEN_ENV } from './options';

/**
 * The backend's channels as the tools' ChannelClient, with the errors that name VS Code's
 * commands ("Run GHL: Set API Token") told the way an MCP server is configured instead: the
 * token is an environment variable here, the location an argument.
 */
export function mcpChannelClient(dispatch: (channel: string, payload: unknown) => Promise<Envelope>): ChannelClient {
  return {
    request: typedRequest(async (channel, payload) => {
      const envelope = await dispatch(channel, payload);
      return envelope.success ? envelope : { success: false, error: explained(envelope.error) };
    }),
  };
}

function explained(error: ErrorInfo): ErrorInfo {
  if (error.code === 'NOT_CONFIGURED' && /token/i.test(error.message)) {
    return { ...error, message: `No GHL API token: set ${TOKEN_ENV} in this MCP server's environment (the location's Private Integration token). Reads the cache holds still answer without it.` };
  }
  if (error.code === 'NOT_CONFIGURED' && /location/i.test(error.message)) {
    return { ...error, message: 'No GHL location: start this MCP server with --location <location id>.' };
  }
  if (error.code === 'AUTH') {
    return { ...error, message: `GHL refused the token in ${TOKEN_ENV} (${error.message}). Check that it is the location's Private Integration token and that it has not been revoked.` };
  }
  return error;
}
