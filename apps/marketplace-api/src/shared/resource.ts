import { FastifyReply } from 'fastify';
import { etag } from '@policloud/http';

/** What a POST that creates or changes a resource answers (201/200): its id and new revision. */
export interface Written {
  id: string;
  revision: number;
}

/** Sets the ETag of the resource at `revision` and returns the body unchanged. */
export function withEtag<T>(reply: FastifyReply, revision: number, body: T): T {
  void reply.header('etag', etag(revision));
  return body;
}

/** A read model row as the API shows it: its state, id and revision. */
export function present<State extends object>(row: { id: string; revision: number; state: State }) {
  return { ...row.state, id: row.id, revision: row.revision };
}
