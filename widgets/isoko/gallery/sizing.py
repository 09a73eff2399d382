"""How many kernels the gallery keeps warm and allows at once, sized from the machine.

A kernel of an app takes about 70 MiB (RSS; 56 MiB PSS, measured by ``make footprint``)
and about a second of one core to start and draw its first chart. The gallery may use a
quarter of the machine's memory, and no more kernels than the cores can start and serve
at a steady pace (eight a core): on the reference machine (2 cores, 24 GiB) that is 16
visitors' kernels at once. Each app keeps one kernel warm per language (two on machines
with more than four cores), so the first visitor of every app is served at once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

#: What one app kernel costs, with a margin (MiB).
KERNEL_MIB = 80
#: The share of the machine's memory the gallery's kernels may take.
MEMORY_SHARE = 0.25
#: Visitors' kernels a core can keep answering.
KERNELS_PER_CORE = 8
#: Whatever the machine, a few visitors can always use the gallery.
MIN_KERNELS = 4


@dataclass(frozen=True)
class GallerySize:
    """``preheated_per_app``: warm kernels kept for each app notebook (app x language);
    ``max_kernels``: visitors' kernels at once, in the whole gallery."""

    preheated_per_app: int
    max_kernels: int


def machine_memory_mib() -> int:
    """Physical memory of this machine, MiB."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20


def machine_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def size_for(
    memory_mib: int,
    cores: int,
    notebooks: int,
    preheated_per_app: int | None = None,
    max_kernels: int | None = None,
) -> GallerySize:
    """The gallery's size on a machine with ``memory_mib`` and ``cores`` serving
    ``notebooks`` app notebooks; a value given by the operator wins."""
    budget = int(memory_mib * MEMORY_SHARE) // KERNEL_MIB
    if preheated_per_app is None:
        preheated_per_app = 1 if cores <= 4 else 2
        # Warm kernels never take more than half of the gallery's memory.
        while preheated_per_app and notebooks * preheated_per_app > budget // 2:
            preheated_per_app -= 1
    if max_kernels is None:
        max_kernels = max(MIN_KERNELS, min(budget, cores * KERNELS_PER_CORE))
    return GallerySize(preheated_per_app, max_kernels)


def this_machine(
    notebooks: int, preheated_per_app: int | None = None, max_kernels: int | None = None
) -> GallerySize:
    return size_for(
        machine_memory_mib(), machine_cores(), notebooks, preheated_per_app, max_kernels
    )
