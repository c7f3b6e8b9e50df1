// Placeholder until the core lands; replaced in the same session.
export function protocolJsonSchema(): Record<string, unknown> {
  return {};
}
