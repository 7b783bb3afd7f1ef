// Plain JavaScript on purpose: it must run, and explain itself, on any Node version.
//
// The service targets Lambda's nodejs22.x. Every npm script and `npx` runs the Node 22 that the
// `node` devDependency installs; if that install was skipped, scripts would silently run the
// machine's Node (20 on our machines). This guard makes that loud.

export const REQUIRED_NODE_MAJOR = 22;

/** @param {string} version */
export const nodeMajor = (version) => Number(version.split('.')[0]);

/** @param {string} [version] */
export const assertNode22 = (version = process.versions.node) => {
  if (nodeMajor(version) !== REQUIRED_NODE_MAJOR) {
    throw new Error(
      `image-automation needs Node ${REQUIRED_NODE_MAJOR} (the Lambda runtime nodejs22.x) but runs on Node ${version}. ` +
        'Run it through npm (npm test, npm run …, npx image-automation …) after `npm ci`, which installs Node 22 ' +
        'as a devDependency; check that package.json allowScripts lets the `node` package install.',
    );
  }
};

// Run directly (`node lib/local/node-guard.js`), it exits non-zero on the wrong Node.
if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    assertNode22();
    console.log(`node ${process.versions.node}: ok`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
