// A plugin that builds on another plugin. Its manifest lists "example-plugin"
// under "pluginDependencies", so the host loads it only once that plugin is
// loaded, and its onLoad hands it the example plugin's greeter through
// uses(). It never imports the other plugin: that one is a separate plugin,
// loaded (and reloaded) by the host. When the example plugin is updated, the
// host loads a fresh copy of this one against the new version.

/** @type {import('@augment/example-host-types').Greeter | undefined} */
let example;

/** @type {import('@augment/example-host-types').Greeter} */
const greeter = {
  uses(dependencies) {
    example = dependencies['example-plugin'];
  },
  greet(visitor) {
    if (example === undefined) throw new Error('the host did not hand over example-plugin');
    return `As example-plugin says: "${example.greet(visitor)}" Make yourself at home.`;
  },
};

export default greeter;
