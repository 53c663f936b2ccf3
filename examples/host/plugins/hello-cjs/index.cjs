// A plugin written by hand as CommonJS: module.exports is the plugin. The
// host loads it with require(), so a reload re-evaluates it.

/** @type {import('@augment/example-host-types').Greeter} */
module.exports = {
  greet: ({ name }) => `Hey ${name}! Look who's here, waving from CommonJS.`,
};
