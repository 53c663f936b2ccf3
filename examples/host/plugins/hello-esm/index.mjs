// A plugin written by hand as an ES module: no build step, the default
// export is the plugin. The JSDoc type lets an editor check it against the
// host's contract.

/** @type {import('@augment/example-host-types').Greeter} */
const greeter = {
  greet({ name, visits }) {
    return visits > 1
      ? `Good day, ${name}. A pleasure to receive you again, for visit number ${visits}.`
      : `Good day, ${name}. Welcome to the house.`;
  },
};

export default greeter;
