#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seeds: the committed ones in fuzz/seeds/<target>/, every
# example and test plan for the targets that read plans, and the test CSV files for `csv`.
# The corpus folders are generated (git-ignored); run this before the first `cargo fuzz run`.
set -euo pipefail
cd "$(dirname "$0")"
root=..
for target in parse reader_agrees check compile escape_ps escape_cmd csv format editor; do
  mkdir -p "corpus/$target"
  if [ -d "seeds/$target" ]; then
    cp seeds/"$target"/* "corpus/$target/"
  fi
done
for target in parse reader_agrees check compile format; do
  find "$root/examples" "$root/tests/plans" -name '*.exm' | while read -r plan; do
    name=$(echo "${plan#"$root"/}" | tr '/' '_')
    cp "$plan" "corpus/$target/$name"
  done
done
# `editor` reads a position (two bytes, little-endian) before the plan: a few per plan.
find "$root/examples" "$root/tests/plans" -name '*.exm' | while read -r plan; do
  name=$(echo "${plan#"$root"/}" | tr '/' '_')
  for at in '\x00\x00' '\x40\x00' '\x00\x02' '\x80\x04'; do
    { printf "$at"; cat "$plan"; } > "corpus/editor/$(echo "$at" | tr -d '\\')-$name"
  done
done
find "$root/examples" "$root/tests" -name '*.csv' | while read -r csv; do
  name=$(echo "${csv#"$root"/}" | tr '/' '_')
  cp "$csv" "corpus/csv/$name"
done
for target in parse reader_agrees check compile escape_ps escape_cmd csv format editor; do
  echo "$target: $(ls "corpus/$target" | wc -l) seeds"
done
