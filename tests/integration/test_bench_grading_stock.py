"""The grading benchmark runs stock nbgrader, which runs learner code with its caller's
rights and no limits, as a throwaway account under limits: learner code there is not
root, cannot take the machine's memory, and what it leaves in shared folders goes."""

import os
import pwd
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest

import bench_grading as bg

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0, reason="the benchmark makes Unix accounts: it runs as root"
)


@pytest.fixture
def stock_account(tmp_path):
    name = f"t{secrets.token_hex(2)}-stock"
    since = time.time()
    entry = bg.make_account(name)
    os.chmod(tmp_path, 0o755)
    try:
        yield entry
    finally:
        bg.remove_account(name, tmp_path, since)


def as_stock(entry, code: str, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        bg.stock_command([sys.executable, "-c", code], entry.pw_uid, entry.pw_gid),
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_learner_code_of_the_stock_run_is_not_root(stock_account, tmp_path):
    secret = tmp_path / "root-only"
    secret.write_text("solutions")
    secret.chmod(0o600)
    done = as_stock(
        stock_account,
        "import os\n"
        "print(os.getuid(), os.getgid(), os.getgroups())\n"
        f"try:\n    open({str(secret)!r}).read()\nexcept PermissionError:\n    print('refused')",
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    uid, gid, groups, refused = done.stdout.split(maxsplit=3)
    assert (int(uid), int(gid)) == (stock_account.pw_uid, stock_account.pw_gid)
    assert groups == "[]" and refused.strip() == "refused"


def test_a_memory_bomb_in_the_stock_run_meets_its_address_space_limit(stock_account, tmp_path):
    done = as_stock(
        stock_account,
        "blocks = []\n"
        "try:\n"
        "    while True:\n"
        "        blocks.append(bytearray(256 * 1024**2))\n"
        "except MemoryError:\n"
        "    print('stopped at', len(blocks) * 256, 'MiB')",
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    stopped_mib = int(done.stdout.split()[2])
    assert stopped_mib < bg.STOCK_ADDRESS_SPACE_BYTES / 2**20


def test_what_the_stock_account_leaves_in_tmp_is_removed_with_it(tmp_path):
    name = f"t{secrets.token_hex(2)}-stock"
    since = time.time()
    entry = bg.make_account(name)
    try:
        left = Path("/tmp") / f"left-by-{name}"
        done = as_stock(entry, f"open({str(left)!r}, 'w').write('x')", Path("/tmp"))
        assert done.returncode == 0, done.stderr
        assert left.exists()
    finally:
        strays = bg.remove_account(name, tmp_path, since)
    assert str(left) in strays and not left.exists()
    with pytest.raises(KeyError):
        pwd.getpwnam(name)
