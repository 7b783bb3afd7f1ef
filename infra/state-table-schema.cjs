// The state table's key schema, billing mode and TTL, taken from the adapter's own description
// (lib/adapters/state/dynamodb-state-table.ts) so that CloudFormation, the tests and the code agree.
// CommonJS because osls loads `${file(...js|.cjs)}` with require(); Node 22 strips the TypeScript types.
const { stateTableSchema, stateTableTimeToLive } = require('../lib/adapters/state/dynamodb-state-table.ts');

// Plain copies: osls resolves variables in place and must be able to write into what it gets.
module.exports = JSON.parse(
  JSON.stringify({
    KeySchema: stateTableSchema.KeySchema,
    AttributeDefinitions: stateTableSchema.AttributeDefinitions,
    BillingMode: stateTableSchema.BillingMode,
    TimeToLiveSpecification: stateTableTimeToLive,
  }),
);
