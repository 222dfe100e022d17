"""PyTorch's CUDA caching allocator: the device memory a sequence of tensors takes from a fresh GPU.

SGLang measures the memory its weights take as the drop in free device memory
(model_runner.load_model: get_available_gpu_memory, torch.cuda.mem_get_info after
empty_cache), so it counts the segments the allocator reserves, not the tensors' bytes. The
allocator's constants are c10/core/AllocatorConfig.h's and c10/cuda/CUDACachingAllocator.cpp's.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

MIN_BLOCK = 512  # kMinBlockSize: every size rounds up to a multiple of it
SMALL_SIZE = 1 << 20  # kSmallSize: the largest allocation of the small pool
SMALL_BUFFER = 2 << 20  # kSmallBuffer: the small pool's segments
LARGE_BUFFER = 20 << 20  # kLargeBuffer: segments of allocations between 1 and 10 MiB
MIN_LARGE_ALLOC = 10 << 20  # kMinLargeAlloc: from here a segment is the allocation itself...
ROUND_LARGE = 2 << 20  # kRoundLarge: ...rounded up to 2 MiB


def reserved_bytes(sizes: Iterable[int]) -> int:
    """The segments (cudaMalloc) a fresh allocator reserves for tensors of these sizes, created
    in this order and kept: each takes the smallest free block of its pool that holds it
    (best fit), else a new segment (get_allocation_size); a block is split where the rest is at
    least 512 B in the small pool, above 1 MiB in the large one (should_split), so a 13 MiB
    tensor holds a 14 MiB segment and two 9 MiB ones share a 20 MiB segment."""
    reserved = 0
    free: dict[bool, list[int]] = {True: [], False: []}  # small pool?: free block sizes, sorted
    for size in sizes:
        size = max(MIN_BLOCK, -(-size // MIN_BLOCK) * MIN_BLOCK)
        small = size <= SMALL_SIZE
        pool = free[small]
        at = bisect.bisect_left(pool, size)
        if at < len(pool):
            block = pool.pop(at)
        else:  # a new segment
            block = _segment(size, small)
            reserved += block
        rest = block - size
        if rest >= MIN_BLOCK if small else rest > SMALL_SIZE:
            bisect.insort(pool, rest)
    return reserved


def _segment(size: int, small: bool) -> int:
    """get_allocation_size: the segment a size with no free block to fit in gets."""
    if small:
        return SMALL_BUFFER
    if size < MIN_LARGE_ALLOC:
        return LARGE_BUFFER
    return -(-size // ROUND_LARGE) * ROUND_LARGE
