import type { FlameGraphRequest } from '../core/flameLayout';
import { ExportRunParams, ExportRunResult, FlameGraphParams, FlameGraphResult, Requests } from '../protocol/serverRequests';
import type { ServerClient } from './serverClient';

/**
 * The language server requests a profile file's editor and the export command send, typed like ServerClient's own
 * methods (one function per request, so a caller cannot send the wrong shape).
 */
export async function flameGraphOfRun(server: ServerClient, runId: string, request: FlameGraphRequest): Promise<FlameGraphResult> {
  const params: FlameGraphParams = { request, runId };
  return (await server.get()).sendRequest<FlameGraphResult>(Requests.flameGraph, params);
}

export async function exportRunToFile(server: ServerClient, params: ExportRunParams): Promise<ExportRunResult> {
  return (await server.get()).sendRequest<ExportRunResult>(Requests.exportRun, params);
}
