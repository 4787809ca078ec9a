#!/usr/bin/env bash
# Stops the one-machine Slurm cluster started by start-local-cluster.sh.
pkill -x slurmd || true
pkill -x slurmctld || true
pkill -x munged || true
