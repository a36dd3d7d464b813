import type {
  OpenAPIObject,
  OperationObject,
  ReferenceObject,
  ResponseObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { addProblemResponses } from './problem-responses';
import { SUCCESS_RESPONSES } from './response-schemas';

/**
 * What Nest's scanner cannot know, added in one place: each operation's success body (views
 * are built in services, not typed classes) and its problem+json errors.
 */
const hasBody = (response: ResponseObject | ReferenceObject | undefined): boolean =>
  response !== undefined && ('$ref' in response || response.content !== undefined);

export function completeOpenApiDocument(document: OpenAPIObject): OpenAPIObject {
  for (const operations of Object.values(document.paths)) {
    for (const operation of Object.values(operations) as OperationObject[]) {
      if (!operation || typeof operation !== 'object' || !operation.operationId) continue;
      const success = SUCCESS_RESPONSES[operation.operationId];
      if (!success) continue;
      const declared = Object.keys(operation.responses).filter((status) => status.startsWith('2'));
      // Nest guesses 201 for every POST; the handler's @HttpCode is what the route answers.
      for (const status of declared) {
        if (status !== success.status && !hasBody(operation.responses[status])) {
          delete operation.responses[status];
        }
      }
      if (hasBody(operation.responses[success.status])) continue; // a DTO declared with @Api…Response wins
      operation.responses[success.status] = {
        description: success.description,
        content: { [success.contentType ?? 'application/json']: { schema: success.schema } },
      };
    }
  }
  addProblemResponses(document);
  return document;
}
