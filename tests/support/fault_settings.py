"""Settings for a server whose uploads storage is a full disk (`tests.support.faults.FullDiskStorage`)."""

from imgmvp_site.settings import *  # noqa: F403

STORAGES["uploads"]["BACKEND"] = "tests.support.faults.FullDiskStorage"  # noqa: F405
