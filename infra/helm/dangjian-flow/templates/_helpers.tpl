{{- define "dj.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}

{{- define "dj.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one component: (dict "root" $ "name" "inbox") */}}
{{- define "dj.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{- define "dj.image" -}}
{{ printf "%s:%s" .Values.image.repository .Values.image.tag | quote }}
{{- end -}}

{{/* The key of phones at rest (packages/db/src/personal-data.ts): the services and the prepare Job, which converts old rows. */}}
{{- define "dj.personalDataEnv" -}}
- name: PERSONAL_DATA_KEY
  valueFrom:
    secretKeyRef: { name: {{ .Values.secrets.existingSecret | quote }}, key: {{ .Values.secrets.personalDataKeyKey | quote }} }
{{- if .Values.secrets.personalDataPreviousKeysKey }}
- name: PERSONAL_DATA_PREVIOUS_KEYS
  valueFrom:
    secretKeyRef: { name: {{ .Values.secrets.existingSecret | quote }}, key: {{ .Values.secrets.personalDataPreviousKeysKey | quote }} }
{{- end }}
{{- end -}}

{{/* The environment every process shares: configuration from the ConfigMap, secrets by reference. */}}
{{- define "dj.env" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef: { name: {{ .Values.database.existingSecret | quote }}, key: {{ .Values.database.appUrlKey | quote }} }
- name: JWT_SECRET
  valueFrom:
    secretKeyRef: { name: {{ .Values.secrets.existingSecret | quote }}, key: {{ .Values.secrets.jwtSecretKey | quote }} }
- name: RECORD_KEY
  valueFrom:
    secretKeyRef: { name: {{ .Values.secrets.existingSecret | quote }}, key: {{ .Values.secrets.recordKeyKey | quote }} }
{{- if .Values.secrets.recordPreviousKeysKey }}
- name: RECORD_PREVIOUS_KEYS
  valueFrom:
    secretKeyRef: { name: {{ .Values.secrets.existingSecret | quote }}, key: {{ .Values.secrets.recordPreviousKeysKey | quote }} }
{{- end }}
{{ include "dj.personalDataEnv" . }}
{{- if .Values.temporal.apiKey.existingSecret }}
- name: TEMPORAL_API_KEY
  valueFrom:
    secretKeyRef: { name: {{ .Values.temporal.apiKey.existingSecret | quote }}, key: {{ .Values.temporal.apiKey.key | quote }} }
{{- end }}
{{- if .Values.notify.webhookSecretKey }}
- name: NOTIFY_WEBHOOK_SECRET
  valueFrom:
    secretKeyRef: { name: {{ .Values.secrets.existingSecret | quote }}, key: {{ .Values.notify.webhookSecretKey | quote }} }
{{- end }}
{{- end -}}

{{/* Volumes every pod mounts: a writable /tmp (the root filesystem is read-only), the Temporal client certificate. */}}
{{- define "dj.volumes" -}}
- name: tmp
  emptyDir: {}
{{- if .Values.temporal.tls.existingSecret }}
- name: temporal-tls
  secret:
    secretName: {{ .Values.temporal.tls.existingSecret | quote }}
{{- end }}
{{- end -}}

{{- define "dj.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if .Values.temporal.tls.existingSecret }}
- name: temporal-tls
  mountPath: /etc/dangjian/temporal-tls
  readOnly: true
{{- end }}
{{- end -}}
