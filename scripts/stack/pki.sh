#!/usr/bin/env bash
# Generates the local cluster's certificates and keys once (envtest-style): a CA, the API
# server's serving certificate for 127.0.0.1, client certificates for the admin and the
# controller-manager, the service-account signing key pair, and the kubeconfigs.
set -euo pipefail
source "$(dirname "$0")/env.sh"
pki="$STACK/pki"
mkdir -p "$pki"
command -v openssl >/dev/null || die "openssl is missing: install it (apt-get install openssl) and re-run"
cd "$pki"
cert() { # name subject [san]: a key and a certificate signed by the CA, once
  [ -f "$1.crt" ] && return 0
  log "generating $1 certificate under $pki"
  openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
  local ext="extendedKeyUsage=clientAuth,serverAuth"
  [ -n "${3:-}" ] && ext="$ext"$'\n'"subjectAltName=$3"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$1.crt" -days 3650 -extfile <(printf '%s\n' "$ext") 2>/dev/null
  rm -f "$1.csr"
}
if [ ! -f ca.crt ]; then
  log "generating the CA under $pki"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 -subj "/CN=flink-deploy-local-ca" 2>/dev/null
fi
# The first address of the Service range is the `kubernetes` Service's.
kubernetes_service_ip="${SERVICE_CIDR%.0.0/16}.0.1"
cert apiserver "/CN=kube-apiserver" "IP:127.0.0.1,IP:$kubernetes_service_ip,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc"
cert admin "/O=system:masters/CN=flink-deploy-admin"
cert controller-manager "/CN=system:kube-controller-manager"
# The node agent's kubelet API: its serving certificate, and the API server's client
# certificate for it (kubectl logs goes API server -> node agent).
cert kubelet "/O=system:nodes/CN=system:node:local-node" "IP:127.0.0.1,DNS:localhost,DNS:local-node"
cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
if [ ! -f sa.key ]; then
  openssl genrsa -out sa.key 2048 2>/dev/null
  openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
fi
kubeconfig() { # file user
  cat > "$1" <<KCFG
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority: $pki/ca.crt
users:
- name: $2
  user:
    client-certificate: $pki/$2.crt
    client-key: $pki/$2.key
contexts:
- name: local
  context: {cluster: local, user: $2, namespace: default}
current-context: local
KCFG
}
kubeconfig "$KUBECONFIG_FILE" admin
kubeconfig "$pki/controller-manager.kubeconfig" controller-manager
