{{/* The release's full name: the release name, with the chart's name appended unless it contains it. */}}
{{- define "flink-deploy.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels on every object. */}}
{{- define "flink-deploy.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/name: flink-deploy
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* The worker pods' selector. */}}
{{- define "flink-deploy.selectorLabels" -}}
app.kubernetes.io/name: flink-deploy
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: worker
{{- end -}}

{{/* The worker's ServiceAccount. */}}
{{- define "flink-deploy.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "flink-deploy.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name: the ServiceAccount the worker runs as (serviceAccount.create is false)" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The application namespaces, checked: a list of DNS labels, at least one. */}}
{{- define "flink-deploy.namespaces" -}}
{{- if not .Values.namespaces -}}
{{- fail "namespaces: list at least one namespace the worker deploys Flink applications into" -}}
{{- end -}}
{{- range .Values.namespaces -}}
{{- if not (regexMatch "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" (toString .)) -}}
{{- fail (printf "namespaces: %q is not a namespace name (lower-case letters, digits and '-')" (toString .)) -}}
{{- end -}}
{{- end -}}
{{- join "," .Values.namespaces -}}
{{- end -}}
