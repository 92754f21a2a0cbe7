// Wrapper module: builds the helm CLI from the Go module proxy (scripts/stack/build-helm.sh).
module flinkdeploy.local/helmbin

go 1.26.0

require helm.sh/helm/v3 v3.22.0
