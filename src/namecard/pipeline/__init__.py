"""Jobs, queues, workers and the steps that turn one LINE event into a reply and a saved contact."""
