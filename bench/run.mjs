console.log("no workloads yet");
