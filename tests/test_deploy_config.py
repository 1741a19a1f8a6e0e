"""``rinse serve --config`` files and the repository's ``prefect.yaml``, checked as Prefect reads them."""

import inspect
from pathlib import Path

import pytest
import yaml

from rinse.cli import build_parser
from rinse.config import UsageError, load_config

REPO = Path(__file__).resolve().parents[1]


def test_config_file_paths_are_relative_to_the_file(tmp_path) -> None:
    config = tmp_path / "conf" / "rinse.toml"
    config.parent.mkdir()
    config.write_text('input = "news"\nwarehouse = "s3://bucket/wh"\nbatch-mb = 8\ncron = "5 * * * *"\n')
    assert load_config(config) == {"input": [str(tmp_path / "conf" / "news")], "warehouse": "s3://bucket/wh",
                                   "batch_mb": 8, "cron": "5 * * * *"}


def test_config_file_refuses_unknown_keys_and_bad_toml(tmp_path) -> None:
    bad_key, bad_toml = tmp_path / "a.toml", tmp_path / "b.toml"
    bad_key.write_text('inputs = ["x"]\n')
    bad_toml.write_text("input = \n")
    with pytest.raises(UsageError, match="unknown key.*inputs"):
        load_config(bad_key)
    with pytest.raises(UsageError, match="cannot read config"):
        load_config(bad_toml)
    with pytest.raises(UsageError, match="cannot read config"):
        load_config(tmp_path / "missing.toml")


def test_flags_win_over_the_config_file_which_wins_over_defaults(tmp_path) -> None:
    config = {"cron": "*/10 * * * *", "workers": 3, "input": ["/data/news"]}
    args = build_parser(config).parse_args(["serve", "--workers", "1"])
    assert (args.cron, args.workers, args.input, args.name) == ("*/10 * * * *", 1, ["/data/news"],
                                                                 "clean-corpus-scheduled")


def test_prefect_yaml_is_a_valid_deployment_of_the_flow() -> None:
    from prefect.cli.deploy._models import PrefectYamlModel
    from prefect.client.schemas.objects import ConcurrencyLimitConfig
    from prefect.client.schemas.schedules import CronSchedule
    from prefect.flows import load_flow_from_entrypoint

    raw = yaml.safe_load((REPO / "prefect.yaml").read_text())
    (deployment,) = PrefectYamlModel.model_validate(raw).deployments
    path, _, name = deployment.entrypoint.partition(":")
    flow = load_flow_from_entrypoint(str(REPO / path) + ":" + name)
    assert flow.name == "clean-corpus"
    assert set(deployment.parameters) <= set(inspect.signature(flow.fn).parameters)
    (schedule,) = raw["deployments"][0]["schedules"]
    assert CronSchedule(cron=schedule["cron"], timezone=schedule["timezone"])
    limit = ConcurrencyLimitConfig(**raw["deployments"][0]["concurrency_limit"])
    assert (limit.limit, limit.collision_strategy) == (1, "CANCEL_NEW")
    assert deployment.work_pool.name
