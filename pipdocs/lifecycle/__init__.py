"""A PIP case after the plan is signed: the documents that follow it and the case as a whole.

- Making a document (``make``): check-in, revision, refusal, evaluation, each from an input file
  (``models``, checked against its plan by ``rules``) and the verified document it follows,
  rendered, converted and prepared like a plan; ``records`` is the ``document.json`` it embeds.
- The case (``case``, ``timeline``, ``casereport``, ``caseevidence``): ``case verify`` verifies
  every PDF and chains them; ``status`` says where each case stands today.

Imports archive, bulk, signing, verification, document and the layers below; never web.
"""
