import fake_aws


class Job:
    """Like Glue's Job: init starts the bookmarks of a run, commit moves them past what it read."""

    def __init__(self, glue_context):
        self.glue_context = glue_context

    def init(self, name, args):
        fake_aws.pending.clear()
        fake_aws.calls.append(("job.init", name))

    def commit(self):
        for ctx, urls in fake_aws.pending.items():
            fake_aws.bookmarks.setdefault(ctx, set()).update(urls)
        fake_aws.pending.clear()
        fake_aws.calls.append(("job.commit", None))
