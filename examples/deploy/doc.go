// Package deploy holds no code: its tests check the ways corskit ships
// outside Go, each by running it. The Dockerfile's build gives a static
// binary that runs from an empty root; the GitHub Action's steps, run
// locally against loopback servers, produce SARIF that code scanning
// accepts; the sharded workflow and the Kubernetes Indexed Job, run shard
// by shard, audit disjoint parts of the targets that merge into the
// findings of one run.
package deploy
