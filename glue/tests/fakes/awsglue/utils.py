import fake_aws


def getResolvedOptions(args, options):
    """Like Glue's: the value after each --<option> in `args`; a missing one stops the job."""
    resolved = {}
    for option in options:
        flag = f"--{option}"
        if flag not in args or args.index(flag) + 1 >= len(args):
            raise SystemExit(f"the following arguments are required: {flag}")
        resolved[option] = args[args.index(flag) + 1]
    fake_aws.calls.append(("getResolvedOptions", tuple(options)))
    return resolved
