#!/usr/bin/env bash
# Builds the Docker image and runs it as docs/deploiement.md says, on a machine that reaches no image
# registry (CI runs it after the test suite: .ci/run). As root, with podman, runc, mmdebstrap,
# podman-compose, psql and rabbitmqctl (or RabbitMQ's management API) at hand; PostgreSQL on
# 127.0.0.1:5432 (user postgres, trust) and RabbitMQ on 127.0.0.1:5672 (guest/guest).
#
#   1. the Debian base (mmdebstrap, `podman import`), unless already made: it is kept between runs;
#   2. the image (`make image`, the Dockerfile's BASE replaced by that base);
#   3. `veilleur --help`; `veilleur probe` of a page served on the host's loopback (--network host),
#      axe-core must have measured it; `veilleur demo` with no network at all, its report in a volume;
#   4. one machine: the registry file into the container, a campaign, the signing key and its
#      backup, the scheduler and the dashboard as long-running containers, `veilleur verify`;
#   5. a cluster: the scheduler, a worker and the dashboard of deploy/compose.yaml (with
#      deploy/compose.test.yaml: the host's PostgreSQL and RabbitMQ, a database and a vhost of its
#      own), a distributed campaign, its runs listed by the dashboard's API; `veilleur verify` in a
#      fresh container passes, and fails once one byte of one blob is flipped.
# Everything it made is removed at the end, pass or fail (the base image excepted).
#
# Settings: VEILLEUR_IMAGE_BASE (the base's name, default localhost/veilleur-base:bookworm),
# VEILLEUR_IMAGE_KEEP_BASE=0 (remove the base too), PODMAN_COMPOSE (the podman-compose command).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

BASE=${VEILLEUR_IMAGE_BASE:-localhost/veilleur-base:bookworm}
TAG=image-test-$$
IMAGE=localhost/veilleur:$TAG
NAME=veilleur-$TAG                      # containers, volumes, compose project
DB=veilleur_image_test_$$               # the cluster's database and vhost, on the host's services
VHOST=$DB
PODMAN_COMPOSE=${PODMAN_COMPOSE:-podman-compose}
WORK=$(mktemp -d /tmp/veilleur-image-test.XXXXXX)
chmod 755 "$WORK"                       # the containers' uid 10001 reads the registry file there
STARTED=$SECONDS

say() { printf '\n== %s (%ss)\n' "$*" "$((SECONDS - STARTED))"; }
fail() { echo "test-image : ÉCHEC : $*" >&2; exit 1; }
run() { echo "+ $*" >&2; "$@"; }

for tool in podman runc mmdebstrap psql curl openssl python3; do
  command -v "$tool" >/dev/null || fail "$tool manque (.ci/image l’installe)"
done
command -v "${PODMAN_COMPOSE%% *}" >/dev/null || fail "podman-compose manque (PODMAN_COMPOSE donne la commande)"
[ "$(id -u)" = 0 ] || fail "à lancer en root (le stockage et le réseau de podman sont ceux de root ici)"

# --- podman, as this host allows it ---------------------------------------------------------------
# crun refuses this host's hybrid cgroups: runc, with cgroupfs and events in a file (no systemd
# session). Ulimits no higher than root's own (root lacks CAP_SYS_RESOURCE), and nproc no higher
# than pid_max: higher values are refused when the container starts ("error setting rlimit type 6").
nproc=$(ulimit -Hu); pid_max=$(cat /proc/sys/kernel/pid_max)
if [ "$nproc" = unlimited ] || [ "$nproc" -gt "$pid_max" ]; then nproc=$pid_max; fi
cat > "$WORK/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$(ulimit -Sn):$(ulimit -Hn)", "nproc=$nproc:$nproc"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "runc"
EOF
export CONTAINERS_CONF=$WORK/containers.conf

# --- cleanup: whatever was made, pass or fail -------------------------------------------------------
cleanup() {
  local status=$?
  set +e
  say "nettoyage"
  # The cluster's containers with their anonymous /data volumes (`down -v` removes named ones only).
  containers=$(podman ps -aq --filter "label=io.podman.compose.project=$NAME")
  [ -n "$containers" ] && podman rm -f -v -t 5 $containers >/dev/null 2>&1
  if [ -f "$WORK/compose.env" ]; then
    (cd deploy && set -a && . "$WORK/compose.env" && set +a &&
     $PODMAN_COMPOSE -p "$NAME" -f compose.yaml -f compose.test.yaml down -v -t 5 >/dev/null 2>&1)
  fi
  podman rm -f -v -t 5 "$NAME-scheduler" "$NAME-dashboard" >/dev/null 2>&1
  podman volume rm -f "$NAME-data" "$NAME-demo" >/dev/null 2>&1
  podman rmi -f "$IMAGE" >/dev/null 2>&1
  [ "${VEILLEUR_IMAGE_KEEP_BASE:-1}" = 0 ] && podman rmi -f "$BASE" >/dev/null 2>&1
  psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
  drop_vhost >/dev/null 2>&1
  # The sites' servers, by their process ids (serve_site runs in a subshell: a file keeps them).
  [ -f "$WORK/servers.pids" ] && while read -r pid; do kill "$pid" 2>/dev/null; done < "$WORK/servers.pids"
  rm -rf "$WORK"
  if [ $status = 0 ]; then echo "test-image : tout est passé en $((SECONDS - STARTED)) s"; else echo "test-image : échec (code $status)" >&2; fi
  exit $status
}
trap cleanup EXIT

# RabbitMQ: rabbitmqctl where the broker runs here, else its management API.
add_vhost() {
  if command -v rabbitmqctl >/dev/null; then
    rabbitmqctl -q add_vhost "$VHOST" && rabbitmqctl -q set_permissions -p "$VHOST" guest '.*' '.*' '.*'
  else
    curl -sf -u guest:guest -X PUT "http://127.0.0.1:15672/api/vhosts/$VHOST" &&
    curl -sf -u guest:guest -X PUT -H 'content-type: application/json' \
      -d '{"configure":".*","write":".*","read":".*"}' "http://127.0.0.1:15672/api/permissions/$VHOST/guest"
  fi
}
drop_vhost() {
  if command -v rabbitmqctl >/dev/null; then rabbitmqctl -q delete_vhost "$VHOST"
  else curl -sf -u guest:guest -X DELETE "http://127.0.0.1:15672/api/vhosts/$VHOST"; fi
}

# A site on the host's loopback, on a port of its own; prints its URL.
serve_site() {
  local folder=$1 log=$1.log
  python3 -m http.server 0 --bind 127.0.0.1 --directory "$folder" >"$log" 2>&1 &
  echo $! >> "$WORK/servers.pids"
  for _ in $(seq 50); do
    port=$(sed -n 's/.* port \([0-9]*\) .*/\1/p' "$log" 2>/dev/null | head -1)
    [ -n "$port" ] && { echo "http://127.0.0.1:$port/"; return; }
    sleep 0.1
  done
  fail "le site $folder n’a pas démarré"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_for() {  # URL: until it answers 200, 60 s at most
  for _ in $(seq 120); do curl -sf -o /dev/null "$1" && return; sleep 0.5; done
  fail "$1 ne répond pas"
}

# --- 1. the base ------------------------------------------------------------------------------------
if podman image exists "$BASE"; then
  say "base $BASE : déjà faite, reprise"
else
  say "base $BASE : faite avec mmdebstrap"
  # shellcheck source=deploy/image-base.sh
  . deploy/image-base.sh
  make_base "$BASE"
fi

# --- 2. the image -----------------------------------------------------------------------------------
say "image $IMAGE"
run make --no-print-directory image IMAGE="$IMAGE" BASE="$BASE" IMAGE_BUILD_FLAGS=--network=host
podman image inspect "$IMAGE" --format '{{.Size}}' | awk '{printf "taille de l’image : %.2f Go (%d octets)\n", $1/1e9, $1}'
podman history --format '{{.Size}}\t{{.CreatedBy}}' "$IMAGE" | awk -F'\t' '$1 !~ /^0/ {print "  " $1 "\t" substr($2, 1, 90)}'

# --- 3. help, probe, demo ---------------------------------------------------------------------------
say "veilleur --help"
run podman run --rm --network none "$IMAGE" --help > "$WORK/help.txt" && grep -q "Commandes" "$WORK/help.txt" || fail "veilleur --help"

say "veilleur probe d’une page servie sur la boucle locale de la machine"
mkdir -p "$WORK/page"
cat > "$WORK/page/index.html" <<'EOF'
<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Démarche d'essai</title></head>
<body><main><h1>Démarche d'essai</h1><img src="logo.png"><p>Appelez le 01 23 45 67 89.</p></main></body></html>
EOF
page_url=$(serve_site "$WORK/page")
run podman run --rm --network host --shm-size 1g "$IMAGE" probe --json --max-pages 0 "$page_url" > "$WORK/probe.json" \
  || fail "veilleur probe (sa sortie : $(head -c 2000 "$WORK/probe.json"))"
# The image without alternative text must be found by axe-core: the browser, its driver and axe ran.
python3 - "$WORK/probe.json" <<'EOF' || fail "axe-core n’a pas mesuré la page"
import json, sys
result = json.load(open(sys.argv[1]))
axe = result["checks"]["accessibility"]
rules = [r if isinstance(r, str) else r.get("id") for r in axe.get("rules", [])]
print(f"sonde : HTTP {result['http_status']}, accessibilité {axe['status']}, {axe['violations']} violation(s) {rules}, "
      f"axe-core {axe.get('axe_version')}, Chromium {result['tools']['chromium']}")
sys.exit(0 if axe["status"] == "measured" and "image-alt" in json.dumps(axe["rules"]) else 1)
EOF

say "veilleur demo sans réseau, son rapport dans un volume"
run podman volume create "$NAME-demo" >/dev/null
run podman run --rm --network none --shm-size 1g -v "$NAME-demo:/data" "$IMAGE" demo --out rapport > "$WORK/demo.log" 2>&1 \
  || { tail -20 "$WORK/demo.log"; fail "veilleur demo"; }
tail -3 "$WORK/demo.log"
run podman run --rm -v "$NAME-demo:/data" --entrypoint test "$IMAGE" -s /data/rapport/index.html \
  || fail "le rapport de la démonstration n’est pas dans le volume (/data/rapport/index.html)"

# --- 4. one machine ---------------------------------------------------------------------------------
# Two services, each a site on the host's loopback.
for site in permis aides; do
  mkdir -p "$WORK/$site"
  printf '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>%s</title></head><body><main><h1>%s</h1><p>Contact : 01 23 45 67 89</p></main></body></html>\n' \
    "$site" "$site" > "$WORK/$site/index.html"
done
permis_url=$(serve_site "$WORK/permis"); aides_url=$(serve_site "$WORK/aides")
mkdir -p "$WORK/config"
cat > "$WORK/config/services.yaml" <<EOF
ministries:
  - id: essai
    name: Ministère de l'Essai
    contacts: [qualite@essai.example]
services:
  - id: permis
    name: Demander un permis
    ministry: essai
    url: $permis_url
  - id: aides
    name: Demander une aide
    ministry: essai
    url: $aides_url
EOF
cp deploy/schedule.yaml "$WORK/config/schedule.yaml"
chmod -R a+rX "$WORK/config"

say "une machine : le registre, une campagne, la clé et sa sauvegarde, l’ordonnanceur et le tableau de bord"
run podman volume create "$NAME-data" >/dev/null
run podman run --rm -v "$NAME-data:/data" -v "$WORK/config:/config:ro" "$IMAGE" registry import /config/services.yaml
run podman run --rm --network host --shm-size 1g -v "$NAME-data:/data" "$IMAGE" run --max-pages 1 > "$WORK/run.log" 2>&1 \
  || { tail -20 "$WORK/run.log"; fail "veilleur run"; }
tail -2 "$WORK/run.log"
run podman run --rm -v "$NAME-data:/data" "$IMAGE" keys show > "$WORK/keys.txt"
head -2 "$WORK/keys.txt"
run podman run --rm -v "$NAME-data:/data" "$IMAGE" keys show --pem > "$WORK/config/cle-publique.pem"
run podman run --rm -v "$NAME-data:/data" --entrypoint cat "$IMAGE" /data/signing-key.pem > "$WORK/signing-key.pem"
grep -q "BEGIN PRIVATE KEY" "$WORK/signing-key.pem" || fail "la sauvegarde de la clé de signature"
run podman run -d --name "$NAME-scheduler" --restart unless-stopped --network host -v "$NAME-data:/data" -v "$WORK/config:/config:ro" \
  "$IMAGE" schedule --config /config/schedule.yaml >/dev/null
port=$(free_port)
run podman run -d --name "$NAME-dashboard" --restart unless-stopped --network host -v "$NAME-data:/data" \
  "$IMAGE" serve --host 127.0.0.1 --port "$port" >/dev/null
wait_for "http://127.0.0.1:$port/api/runs"
curl -sf "http://127.0.0.1:$port/api/runs" > "$WORK/runs.json"
python3 - "$WORK/runs.json" <<'EOF' || fail "le tableau de bord ne liste pas les deux exécutions de la campagne"
import json, sys
runs = json.load(open(sys.argv[1]))["items"]
print("tableau de bord, /api/runs :", ", ".join(f"{r['service_id']} {r['status']}" for r in runs))
sys.exit(0 if sorted(r["service_id"] for r in runs if r["status"] == "done") == ["aides", "permis"] else 1)
EOF
[ "$(podman inspect -f '{{.State.Running}}' "$NAME-scheduler")" = true ] \
  || { podman logs "$NAME-scheduler" | tail; fail "l’ordonnanceur s’est arrêté"; }
run podman run --rm -v "$NAME-data:/data" -v "$WORK/config:/config:ro" "$IMAGE" verify --public-key /config/cle-publique.pem \
  > "$WORK/verify.log" || { cat "$WORK/verify.log"; fail "veilleur verify"; }
tail -2 "$WORK/verify.log"
run podman rm -f -v -t 10 "$NAME-scheduler" "$NAME-dashboard" >/dev/null

# --- 5. a cluster -----------------------------------------------------------------------------------
say "groupe : base $DB et hôte virtuel $VHOST sur le PostgreSQL et le RabbitMQ de la machine"
run psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $DB"
run add_vhost
DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/$DB
dashboard_port=$(free_port)
{
  # compose.yaml's own variables (its postgres and rabbitmq are not started), the instance's
  # signing key made as compose.yaml says, and the overlay's.
  echo "POSTGRES_PASSWORD=unused"
  echo "RABBITMQ_PASSWORD=unused"
  printf 'VEILLEUR_SIGNING_KEY="%s"\n' "$(openssl genpkey -algorithm ed25519 | awk '{printf "%s\\n", $0}')"
  echo "VEILLEUR_IMAGE=$IMAGE"
  echo "VEILLEUR_TEST_DATABASE_URL=$DATABASE_URL"
  echo "VEILLEUR_TEST_BROKER_URL=amqp://guest:guest@127.0.0.1:5672/$VHOST"
  echo "VEILLEUR_TEST_CONFIG=$WORK/config"
  echo "VEILLEUR_TEST_DASHBOARD_PORT=$dashboard_port"
} > "$WORK/compose.env"
set -a; . "$WORK/compose.env"; set +a
compose() { (cd deploy && run $PODMAN_COMPOSE -p "$NAME" -f compose.yaml -f compose.test.yaml "$@"); }

# The registry first: its import makes the database's tables, before three processes start on it.
compose run --rm scheduler registry import /test/services.yaml > "$WORK/compose.log" 2>&1 \
  || { tail -20 "$WORK/compose.log"; fail "import du registre dans le groupe"; }
compose up -d --no-build scheduler worker dashboard >> "$WORK/compose.log" 2>&1 \
  || { tail -20 "$WORK/compose.log"; fail "podman-compose up"; }
wait_for "http://127.0.0.1:$dashboard_port/api/runs"

say "groupe : une campagne répartie"
# `veilleur run` with VEILLEUR_BROKER_URL hands the services to the workers and follows them.
compose run --rm scheduler run --max-pages 1 > "$WORK/campaign.log" 2>&1 \
  || { tail -30 "$WORK/campaign.log"; (cd deploy && $PODMAN_COMPOSE -p "$NAME" -f compose.yaml -f compose.test.yaml logs worker 2>&1 | tail -30); fail "la campagne répartie"; }
tail -2 "$WORK/campaign.log"
curl -sf "http://127.0.0.1:$dashboard_port/api/runs" > "$WORK/runs.json"
python3 - "$WORK/runs.json" <<'EOF' || fail "le tableau de bord ne liste pas les exécutions de la campagne répartie"
import json, sys
runs = json.load(open(sys.argv[1]))["items"]
print("tableau de bord, /api/runs :", ", ".join(f"{r['service_id']} {r['status']}" for r in runs))
sys.exit(0 if sorted(r["service_id"] for r in runs if r["status"] == "done") == ["aides", "permis"] else 1)
EOF

say "groupe : veilleur verify dans un conteneur neuf (son dossier de données vide)"
verify() {
  run podman run --rm --network host -e VEILLEUR_DATABASE_URL="$DATABASE_URL" -e VEILLEUR_EVIDENCE_URL="$DATABASE_URL" \
    "$IMAGE" verify > "$WORK/verify.log" 2>&1
}
verify || { cat "$WORK/verify.log"; fail "veilleur verify des preuves du groupe"; }
cat "$WORK/verify.log"
grep -q "manifestes signés par des clés de la base de données" "$WORK/verify.log" || fail "verify n’a pas pris les clés de la base"

say "groupe : un octet d’une preuve changé, verify doit échouer"
sha=$(psql -h 127.0.0.1 -U postgres -d "$DB" -Atc \
  "SELECT dom_sha FROM page_captures WHERE dom_sha IS NOT NULL ORDER BY id LIMIT 1")
[ -n "$sha" ] || fail "aucun DOM de page dans les preuves du groupe"
run psql -h 127.0.0.1 -U postgres -d "$DB" -qc \
  "UPDATE evidence_blobs SET data = set_byte(data, length(data) / 2, get_byte(data, length(data) / 2) # 1) WHERE sha256 = '$sha'"
if verify; then cat "$WORK/verify.log"; fail "verify passe malgré un octet changé"; fi
grep -m2 "ÉCHEC fichier de preuve $sha altéré" "$WORK/verify.log"
grep -q "ÉCHEC fichier de preuve $sha altéré" "$WORK/verify.log" || { cat "$WORK/verify.log"; fail "verify ne nomme pas la preuve changée"; }

say "toutes les étapes sont passées"
