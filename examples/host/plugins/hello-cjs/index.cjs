module.exports = {
  greet: (name) => `Hello, ${name}, from a CommonJS plugin`,
};
