// Browser end-to-end tests: started by `npm test` after the worker tests.
console.log("e2e: no browser tests yet");
