/**
 * The plugin every consumer host loads: the test builds it three times with
 * the packed builder (as an ES module, as CommonJS, and as CommonJS in a zip).
 */
const greeter = {
  greet(name: string): string {
    return `Hello, ${name}!`;
  },
};

export default greeter;
