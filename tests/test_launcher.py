"""The Rasa launcher's command line is read by Rasa's own argument parser."""

from rasa.__main__ import create_argument_parser

from rasa_addons.launcher import rasa_argv


def test_a_token_starting_with_a_dash_reaches_rasa_whole():
    argv = rasa_argv(["--model", "models/x.tar.gz", "--port", "5005"], "-Zq8_token")
    parsed = create_argument_parser().parse_args(argv[1:])
    assert parsed.auth_token == "-Zq8_token"
    assert parsed.enable_api is True
    assert parsed.port == 5005
