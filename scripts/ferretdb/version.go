package main

// Keep in step with go.mod (scripts/build-ferretdb.sh keys its cache on go.sum).
const ferretdbVersion = "v1.24.2"
