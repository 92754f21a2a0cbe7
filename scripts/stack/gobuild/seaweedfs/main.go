// Package main only pins SeaweedFS's weed command for `go build github.com/seaweedfs/seaweedfs/weed`.
package main

import _ "github.com/seaweedfs/seaweedfs/weed/command"

func main() {}
