console.error("demo");
