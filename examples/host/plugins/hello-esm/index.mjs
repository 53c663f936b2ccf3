export default {
  greet: (name) => `Hello, ${name}, from an ES module plugin`,
};
