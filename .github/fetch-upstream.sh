#!/usr/bin/env bash
# Fetches the upstream files the tests compare against (CRDs, chart values and schemas,
# containerlab's schema) at the commits pinned in /work/shared/upstream/PROVENANCE.md, into
# DIR (default ../shared/upstream beside the checkout), and checks each against its pinned sha256.
# Usage: .github/fetch-upstream.sh [DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-$here/../shared/upstream}"
OPR=1d5dcdfd8b9e538d46ecee90df4249a00d33e948
METALLB=7938d3f89b8bd808dae2e42d97d6ae7e18e9ed54
FRRK8S=43dd6d6bbf4aa0fb23818bb9774a1c4c40a1ecfb
CLAB=39ff2b7ccce20f3c4610fcbd1fc030582f4499c1
# local path | repository | commit | path in the repository | sha256
files=(
  "charts/frr-k8s/Chart.yaml metallb/frr-k8s $FRRK8S charts/frr-k8s/Chart.yaml f5d943c2de83ca79e934f3d2f529e735aeb619b7c49fff7fbb36d6a558a115d0"
  "charts/frr-k8s/values.schema.json metallb/frr-k8s $FRRK8S charts/frr-k8s/values.schema.json b6953c8a67be7154a788075e437b4ea7d1c39e0a3f93f4094d24c290a83bab52"
  "charts/frr-k8s/values.yaml metallb/frr-k8s $FRRK8S charts/frr-k8s/values.yaml 3aa1779d91a2a33a8fbdc2f3718bb9ad2f2933bb3aab1aef526920140008edcc"
  "charts/metallb/Chart.yaml metallb/metallb $METALLB charts/metallb/Chart.yaml da95e1f9959911aec57eea2d45fd6bf898d561f3644aab6483c0278eb5a374c5"
  "charts/metallb/values.schema.json metallb/metallb $METALLB charts/metallb/values.schema.json 0d9994aa888dd973d0b7f16c341911566e7b27f75be5900a05f71ca19953c375"
  "charts/metallb/values.yaml metallb/metallb $METALLB charts/metallb/values.yaml cfdcdef981520175dea07159f629be268cfce032cf97ba0fb4450cd0b3ec94d4"
  "charts/openperouter/Chart.yaml openperouter/openperouter $OPR charts/openperouter/Chart.yaml bc950b777d39a979fa30ef09c6b6ef8fa160eb64c0bd2327d794e086207e6844"
  "charts/openperouter/values.schema.json openperouter/openperouter $OPR charts/openperouter/values.schema.json 2b7fbfe862484e6f9dfcacc2162ba47db1e56af40b643588c74b60e5c039b508"
  "charts/openperouter/values.yaml openperouter/openperouter $OPR charts/openperouter/values.yaml 2d7b42de89bb3c52a30e041b08ffde576c1d8495cb6db66d0291c2556635f262"
  "containerlab/clab.schema.json srl-labs/containerlab $CLAB schemas/clab.schema.json 51a7025041d90fcded90911d4947773794464ccd903f01c03d5b2ff988f58d02"
  "crds/frr-k8s/frrk8s.metallb.io_bgpsessionstates.yaml metallb/frr-k8s $FRRK8S config/crd/bases/frrk8s.metallb.io_bgpsessionstates.yaml cad483d0e7a6bb79bc29d2792fcef7c34616b185db301a1fcc5a3bcdcda4997e"
  "crds/frr-k8s/frrk8s.metallb.io_frrconfigurations.yaml metallb/frr-k8s $FRRK8S config/crd/bases/frrk8s.metallb.io_frrconfigurations.yaml 6a48948af009c6866aeacf7b2bb3f1c0f9d7386e12538bf61ff7631467dfd7ee"
  "crds/frr-k8s/frrk8s.metallb.io_frrnodestates.yaml metallb/frr-k8s $FRRK8S config/crd/bases/frrk8s.metallb.io_frrnodestates.yaml 877d58fe05033fb456fd7fc287b6753a31e9884e5865a86d334324bbd4ac138c"
  "crds/metallb/metallb.io_bfdprofiles.yaml metallb/metallb $METALLB config/crd/bases/metallb.io_bfdprofiles.yaml b62589379612dcd4a0f267d65364e1acdf9870ca068dfbc2dd338c73757ea156"
  "crds/metallb/metallb.io_bgpadvertisements.yaml metallb/metallb $METALLB config/crd/bases/metallb.io_bgpadvertisements.yaml 0e15848edf8f342f8bfd29f6c11b1d89266be5ebf950035987b5008bdf673370"
  "crds/metallb/metallb.io_bgppeers.yaml metallb/metallb $METALLB config/crd/bases/metallb.io_bgppeers.yaml ddf860a818a4a163547c5510f7122ffaee996d9157c227e6536ea1d39d6c4a60"
  "crds/metallb/metallb.io_communities.yaml metallb/metallb $METALLB config/crd/bases/metallb.io_communities.yaml c6bca6acc922264263ff2df35986453d55570adeda1560f4bc66926df853b6b6"
  "crds/metallb/metallb.io_ipaddresspools.yaml metallb/metallb $METALLB config/crd/bases/metallb.io_ipaddresspools.yaml 585d55016cb9cf1aac3ed4a63b1075051bf8c20aab28dfcd3cfbe58a632ed230"
  "crds/metallb/metallb.io_l2advertisements.yaml metallb/metallb $METALLB config/crd/bases/metallb.io_l2advertisements.yaml b7aebcf8ad1eaf69de3f6f0ebc06e21b5b0cd199bcd353da26801d372673b8b6"
  "crds/metallb/metallb.io_servicebgpstatuses.yaml metallb/metallb $METALLB config/crd/bases/metallb.io_servicebgpstatuses.yaml 3f236c79b22a7f89e9845221f025ee1a03c17673c0cd696fbf131b61ae3cd555"
  "crds/openperouter/network.openperouter.io_l2vnis.yaml openperouter/openperouter $OPR config/crd/bases/network.openperouter.io_l2vnis.yaml 3ed40fe53a17b2f9df20d514e506108c2a4d623767112ac1a6c5acec82be8bc8"
  "crds/openperouter/network.openperouter.io_l3passthroughs.yaml openperouter/openperouter $OPR config/crd/bases/network.openperouter.io_l3passthroughs.yaml 8a60a9714f82b1880167ad0934e063a7e972d58e98079d12f9ac088842ef7ed2"
  "crds/openperouter/network.openperouter.io_l3vnis.yaml openperouter/openperouter $OPR config/crd/bases/network.openperouter.io_l3vnis.yaml 05abe5f529b620cb5a404ad2015e6079be7760a824ebbad46a564c74c28836d8"
  "crds/openperouter/network.openperouter.io_l3vpns.yaml openperouter/openperouter $OPR config/crd/bases/network.openperouter.io_l3vpns.yaml aa0d36339809f4b7dfe9757594f357489e401732a143f3ed0cea1e86b65360c2"
  "crds/openperouter/network.openperouter.io_rawfrrconfigs.yaml openperouter/openperouter $OPR config/crd/bases/network.openperouter.io_rawfrrconfigs.yaml 9766c7e6c47528d72d35040553d90120b38553efcf0c9a91327a7e55e8e1997d"
  "crds/openperouter/network.openperouter.io_routernodeconfigurationstatuses.yaml openperouter/openperouter $OPR config/crd/bases/network.openperouter.io_routernodeconfigurationstatuses.yaml b663381df9028c1adfdcbfbac319f22b1ea90893aaf95f52ad13d4fc895bc7bf"
  "crds/openperouter/network.openperouter.io_underlays.yaml openperouter/openperouter $OPR config/crd/bases/network.openperouter.io_underlays.yaml 225fb4725bc070287adf22d1ccdf0b676efb43fcf1137dd3330cb319d32609f3"
)
for entry in "${files[@]}"; do
  read -r local repo commit path sum <<<"$entry"
  mkdir -p "$dest/$(dirname "$local")"
  curl -fsSL --retry 3 -o "$dest/$local" "https://raw.githubusercontent.com/$repo/$commit/$path"
  echo "$sum  $dest/$local" | sha256sum --check --quiet -
done
echo "fetched ${#files[@]} upstream files into $dest"
