#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The kubernetes export under `podman kube play`, in an image whose /bin/sh is dash (which, as a container's
# PID 1, ignores TERM) and whose ENTRYPOINT is `tfrun start`: replicas, PORT per container, every value (the
# env files' through the ConfigMap, one through a --secret Secret) as exported; stopping the pods delivers TERM
# to the app, which is the container's main process, so it logs "got TERM" and exits 0 well before the grace
# period; `kube down` removes it all.
source "$(dirname "$0")/lib.sh"
podman_setup

keys=(GREETING Q1 Q2 BOTHQ DOLLAR NEWLINE UNICODE BIG)
make_app "$work/app" "${keys[@]}"
build_image tfe-kube "$work/app"
cd "$work/app" || fail "no app folder"
"$TFRUN" export kubernetes "$work/k8s" -a tfe --image localhost/tfe-kube:1 --secret Q2 -t 8 web=2,worker=1 \
  >/dev/null || fail "export failed"
grep -q '"Q2"' "$work/k8s/tfe-secret-secret.yaml" || fail "--secret Q2 made no Secret"
cd "$work" || fail "no work folder"

# podman 4.3 publishes every containerPort on the host (the second replica could not bind it), and refuses
# ports with --network none: the play file leaves the container ports out (the Services are ignored anyway).
# podman 4.3 stores a Secret object of the play file as YAML but reads a secret for envFrom as a JSON object of
# base64 values ("secret tfe-secret is not valid JSON"): the Secret's data is made a podman secret of that
# shape, and the object is left out of the play.
for file in "$work"/k8s/*.yaml; do
  [[ $file == *-secret.yaml ]] && continue
  echo "---"
  sed '/^          ports:$/,/^              protocol:/d' "$file"
done >"$work/play.yaml"
python3 -c 'import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))["data"]))' \
  "$work/k8s/tfe-secret-secret.yaml" | podman secret create tfe-secret - >/dev/null || fail "podman secret create"
cleanup "podman secret rm tfe-secret"
cleanup "podman kube down '$work/play.yaml'"
podman kube play --network none "$work/play.yaml" >"$work/play.out" 2>&1 || fail "kube play: $(cat "$work/play.out")"

containers() { podman ps -aq --filter label=app.kubernetes.io/instance=tfe --filter "label=app.kubernetes.io/component=$1"; }
check_containers_start "${keys[@]}"

pods=$(podman pod ps -q --filter name=tfe-)
started=$SECONDS
podman pod stop -t 8 $pods >/dev/null || fail "pod stop failed"
[ $((SECONDS - started)) -lt 6 ] || fail "stopping the pods took the whole grace period: TERM did not stop the app"
check_containers_stopped
podman kube down "$work/play.yaml" >/dev/null || fail "kube down failed"
[ -z "$(podman ps -aq)" ] || fail "kube down left containers: $(podman ps -a)"
say "ok: 2 web replicas + 1 worker, PORT, ConfigMap and Secret values intact, app as PID 1, TERM on stop, exit 0"
