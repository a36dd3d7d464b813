/** Writes contracts/openapi.json from the controllers; test/openapi.e2e.spec.ts fails when it is stale. */
import { writeFileSync } from 'node:fs';
import { generateOpenApiJson, OPENAPI_PATH } from '../test/support/openapi-document';

generateOpenApiJson()
  .then((json) => {
    writeFileSync(OPENAPI_PATH, json);
    console.log(`wrote ${OPENAPI_PATH}`);
    process.exit(0);
  })
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
