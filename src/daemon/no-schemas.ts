/**
 * fastify's schema controller, minus its compilers. By default every fastify instance
 * loads @fastify/ajv-compiler (and with it ajv) and fast-json-stringify when it is
 * built, about 90 ms of start-up and several MB (issue 15), although no imdsd route
 * declares a schema. A route that ever does gets a clear error instead.
 */
const noCompiler = () => (): never => {
  throw new Error('imdsd routes declare no schemas: validate and serialise in code');
};

export const NO_SCHEMA_COMPILERS = {
  compilersFactory: { buildValidator: noCompiler, buildSerializer: noCompiler },
};
