"""Realistic research-log day pages, generated from a seed (for the demo and the benchmarks).

Pages are made with the functions the tool itself writes with
(:func:`reslog.store.new_day_text`, :func:`reslog.markdown.append_entry`,
:func:`reslog.markdown.add_children`, :func:`reslog.store.carry_over`), so a
generated page is byte for byte what captures on that day would have left.

The simulated researcher works on a few projects at a time; each project's
weight rises and falls over the generated span and moves through phases
(``#w2s/baseline`` → ``#w2s/sweep`` → ``#w2s/writeup``), so focus drifts. A day
runs like a real one: the last page's open to-dos are carried over, to-dos
are planned, timed entries (experiments, results, bugs and the fixes that cite
them, papers read, decisions, notes, with nested thoughts) fill the day in
increasing ``HH:MM``, ideas come with their source, a reflection closes many
days, and at evening to-dos are done (``[took:: ...]`` against ``[est:: ...]``),
dropped or left open to carry. Weekends and holidays leave gaps. Text is
combinatorial (templates × vocabulary × numbers), so ten years of pages do not
repeat the same sentences.

The output depends only on the seed and the dates: one ``random.Random`` is
consumed in a fixed order, and nothing iterates over sets.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from reslog import markdown
from reslog.dates import format_duration, parse_duration
from reslog.model import DONE, DROPPED, STAR, Entry, Page
from reslog.store import carry_over, new_day_text

#: New entries a working day brings by default (to-dos, what was done, ideas, reflection).
DEFAULT_ENTRIES_PER_DAY = 9.0


def _bank(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


class _Project(NamedTuple):
    """A project's vocabulary; every field but ``tag`` and ``name`` is ``|``-separated."""

    tag: str
    name: str
    phases: str
    models: str
    data: str
    metrics: str  # "name:low:high:unit", unit "%" or a number of decimals
    topics: str


_PROJECTS = (
    _Project("w2s", "the W2S study", "setup|baseline|sweep|ablation|writeup",
             "GPT-2 small|GPT-2 medium|GPT-2 large|GPT-2 XL|Pythia-410M|Pythia-1B",
             "SciQ|BoolQ|CosmosQA|Anthropic HH|chess puzzles|RM-split preferences",
             "PGR:0.05:0.8:2|test acc:55:92:%|weak-label agreement:60:97:%",
             "the auxiliary confidence loss|imitation of weak-label errors|early stopping on "
             "weak labels|the strong ceiling|bootstrapping through an intermediate model|"
             "label noise from the weak supervisor|confidence thresholding"),
    _Project("calib", "the calibration project", "setup|baseline|shift|ablation|writeup",
             "ResNet-18|ResNet-50|ViT-S/16|ViT-B/16|ConvNeXt-T|DeiT-S",
             "CIFAR-10|CIFAR-100|CIFAR-10-C|ImageNet-1k|ImageNet-R|ImageNet-A",
             "val acc:55:92:%|ECE:0.01:0.15:3|NLL:0.4:2.2:2|Brier score:0.08:0.4:3",
             "temperature scaling|label smoothing|focal loss|mixup|test-time augmentation|"
             "deep ensembles|the binning scheme of ECE|calibration under corruption"),
    _Project("sae", "the SAE interpretability work", "setup|training|probing|scaling|writeup",
             "Pythia-70M|Pythia-160M|Pythia-410M|GPT-2 small|Gemma-2B",
             "OpenWebText|Pile-10B|TinyStories|cached residual streams",
             "L0:8:120:0|reconstruction MSE:0.002:0.09:4|CE loss recovered:70:99:%|"
             "dead latents:0.5:30:%",
             "the L1 coefficient|feature splitting|dead latents|the decoder norm constraint|"
             "top-k activations|feature absorption|ghost gradients|automated interpretability"),
    _Project("moe", "the MoE routing project", "setup|baseline|routing|scaling|writeup",
             "a 125M dense model|an 8x125M MoE|a 16x125M MoE|Switch-Base|a 32-expert MoE",
             "C4|OpenWebText|SlimPajama|The Stack Python",
             "val perplexity:9:32:2|load-balance loss:0.01:0.3:3|tokens/s:8000:60000:0",
             "expert capacity factor|the load-balance loss weight|top-2 routing|"
             "router z-loss|expert dropout|token dropping|shared experts"),
    _Project("cells", "the cell-painting SSL project", "data|pretraining|probing|transfer|writeup",
             "ViT-S/8|ViT-B/16|ResNet-50|a DINO ViT-S|a MAE ViT-B",
             "JUMP-CP|RxRx1|BBBC021|in-house plates|CellPainting-Gallery",
             "linear-probe acc:40:95:%|NSB acc:20:85:%|replicate mAP:0.1:0.7:3",
             "plate effects|channel-wise normalisation|batch correction|crop size|"
             "the masking ratio|stain-invariant augmentations|well-position bias"),
    _Project("grok", "the grokking project", "setup|replication|mechanism|scaling|writeup",
             "a 1-layer transformer|a 2-layer transformer|a 2-layer MLP|a 4-layer transformer",
             "modular addition mod 97|modular division mod 113|S5 permutations|sparse parity",
             "val acc:10:100:%|steps to generalize:2000:90000:0|weight norm:12:80:1",
             "weight decay|the train fraction|Fourier features|the slingshot effect|"
             "Adam epsilon|circuit formation|the memorization phase"),
    _Project("rm", "the reward-model study", "setup|baseline|overoptimization|ensembles|writeup",
             "Pythia-1B|Pythia-2.8B|Llama-2-7B|Mistral-7B|Qwen-1.8B",
             "Anthropic HH|UltraFeedback|TL;DR summaries|SHP|SynthPrefs",
             "gold RM score:0.1:3.5:2|win rate:30:80:%|KL:1:40:1|RM accuracy:58:78:%",
             "reward overoptimization|the KL penalty|reward-model ensembles|best-of-n sampling|"
             "length bias|label noise in preferences|uncertainty-weighted rewards"),
    _Project("wx", "the weather-diffusion project", "data|baseline|sampling|ensembles|writeup",
             "a small UNet|a 3D UNet|a DiT-S|a graph network|a FourCastNet-style AFNO",
             "ERA5 at 1.5°|ERA5 at 0.25°|WeatherBench 2|IMERG precipitation",
             "RMSE:0.4:3.2:2|CRPS:0.2:1.8:3|spread-skill ratio:0.5:1.4:2",
             "the noise schedule|ensemble size|autoregressive rollout drift|"
             "latitude weighting|the number of sampling steps|physical constraints"),
)
_GENERAL_TAGS = _bank("reading|infra|admin|teaching|writing|career")
_PEOPLE = _bank("Yitao|Priya|Marco|Sofia|Jonas|Aiko|Tom|Lena|Ravi|Chen|Amara|Pablo|Ines|Kwame|"
                "Hana|Oskar|Mei|Daniel|Fatima|Luca|Noor|Ben|Julia|Arjun")
_LRS = _bank("1e-5|3e-5|5e-5|1e-4|2e-4|3e-4|5e-4|1e-3|3e-3|6e-4|8e-5|2e-3")
_OPTS = _bank("AdamW|Adam|SGD with momentum 0.9|Lion|Adafactor|Sophia|Shampoo")
_GPUS = _bank("A100|H100|V100|RTX 3090|L40S|A6000")
_PAPER_SOURCES = _bank("twitter|advisor|reading group|arxiv digest|conference talk")
_IDEA_SOURCES = _bank("shower|walk home|bike ride|experiment|run log|twitter|advisor|reading "
                      "group|paper|conference talk|code review|seminar|arxiv digest|blog post")
#: (emotions, causes) of one tone each, so that a cause fits its emotion.
_FEELINGS = (
    (_bank("excited|relieved|happy|proud|motivated|satisfied|calm|curious"), _bank(
        "first clean result in a week|the run finally finished|the plot looks like the "
        "hypothesis|good chat with {person}|I understand {topic} now|{person} liked the "
        "{phase} plots|the {phase} story finally holds together|a quiet day of focused work")),
    (_bank("frustrated|tired|anxious|skeptical|bored|stuck|impatient|uneasy"), _bank(
        "the deadline is close|too many meetings today|not sure this direction is worth it|"
        "lost the morning to the cluster|the numbers keep moving with the seed|the queue is "
        "full again|this took three times the estimate|{person} waits for my {phase} numbers")),
)
_TITLE_HEADS = _bank("On the|Towards|Revisiting|Understanding|Rethinking|A Closer Look at|"
                     "Scaling|Provable|Demystifying|Benchmarking|Learning|Improving|"
                     "Simple Baselines for|The Role of")
_TITLE_CORES = _bank(
    "Weak-to-Strong Generalization|Calibration|Sparse Autoencoders|Expert Routing|"
    "Self-Supervised Pretraining|Grokking|Reward Model Overoptimization|Diffusion Forecasting|"
    "Learning Rate Warmup|Label Smoothing|Feature Learning|In-Context Learning|Weight Decay|"
    "Data Pruning|Mixture-of-Experts|Preference Optimization|Representation Collapse|"
    "Loss Spikes|Batch Normalization|Distribution Shift|Uncertainty Estimation|"
    "Emergent Abilities|Linear Probes|Model Merging|Curriculum Learning|Knowledge Distillation")
_TITLE_TAILS = _bank(
    "in Large Language Models|under Distribution Shift|at Scale|for Vision Transformers|"
    "Without Labels|in Deep Networks|with Noisy Supervision|for Scientific Data|"
    "Beyond the Edge of Stability|in Small Transformers|from First Principles|in Practice")
_EXP = _bank(
    "{model} on {data}, lr={lr}, batch {bs}, wd={wd}: {metric} {val} ({delta} vs baseline)|"
    "learning rate sweep {lr} to {lr2} on {model} / {data}, {steps} steps each; best {metric} "
    "{val} at lr={lr}|{topic} on {model} ({data}, seed {seed}), {gpus} for {hours}: {metric} "
    "{val}|reran the {phase} config with {topic} switched off: {metric} {val}, {delta}|"
    "scaled {model} to {model2} on {data} at lr={lr}: {metric} {val} ({delta})|"
    "{nseeds} seeds of {model} on {data} with {warm} warmup steps: {metric} {val} ± {spread}|"
    "ablation without {topic}, everything else as run {run}: {metric} {val} ({delta})|"
    "cosine vs linear decay for {model} on {data}, lr={lr}: cosine {val}, linear {val2}|"
    "{model} with {opt}, lr={lr}, {epochs} epochs on {data}: {metric} {val}|"
    "long run of {model} on {data}, {steps} steps at batch {bs}: {metric} {val}, still improving|"
    "quick check that {topic} matters: {model} on 10% of {data}, {metric} {val} vs {val2}|"
    "lr={lr} with {warm} warmup steps on {model}: {metric} {val}, loss curve smooth|"
    "eval of run {run} on held-out {data}: {metric} {val} ({delta} vs the dev split)|"
    "{topic} with twice the compute on {model}: {metric} {val} ({delta}), {hours} on {gpus}|"
    "grid over wd in {{0.01, 0.1}} and lr in {{{lr}, {lr2}}} for {model} on {data}; best {metric} "
    "{val}")
_RESULT = _bank(
    "{metric} {val} for {model} on {data} ({delta} vs baseline) over {nseeds} seeds|"
    "run {run} finished: {metric} {val}; {topic} helps only at the larger size|"
    "{topic} gives {delta} {metric} on {data}, within noise at {nseeds} seeds|"
    "baseline reproduced: {model} on {data} reaches {metric} {val}, as the paper reports|"
    "scaling plot for {name}: {metric} improves roughly log-linearly from {model} to {model2}|"
    "lr matters more than {topic}: {metric} {val} at lr={lr} vs {val2} at lr={lr2}|"
    "negative result: {topic} does nothing on {data} ({metric} {val} vs {val2})|"
    "{model} beats {model2} on {data} by {delta} {metric} with the same budget")
_NOTE = _bank(
    "group meeting: showed the {phase} results of {name}; {person} asked about {topic}|"
    "1:1 with advisor about {name}: focus on {topic} for the next two weeks|"
    "reviewed PR #{pr} from {person} (eval harness for {data})|"
    "set up a {gpus} node for {name}; queue wait about {hours}|"
    "wrote {words} words of the {phase} section of {name}|"
    "cleaned up the {data} preprocessing and cached the shards ({size} GB)|"
    "paired with {person} on the eval harness for {data}|"
    "answered reviewer {reviewer} on {topic}; they want {data} numbers|"
    "moved old checkpoints of {name} to cold storage, freed {size} GB|"
    "chat with {person} about {topic}; they tried it on {data} last year|"
    "profiled the training step of {model}: {pct}% of the time is data loading")
def _bug(spec: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    name, bugs, fixes = spec.split("=>")
    return name, _bank(bugs), _bank(fixes)


#: Recurring bug categories: "name=>bug templates=>fix templates".
_BUGS = tuple(_bug(spec) for spec in (
    "NaN loss=>NaN loss at step {step} of {model} on {data}, right after the learning rate "
    "warmup|loss went NaN in run {run} around step {step} (fp16)|NaN loss again with {opt} at "
    "lr={lr}, only on the largest model=>gradient clipping at 1.0 and the softmax in fp32; run "
    "{run} stable past step {step}|bf16 instead of fp16 and lr={lr2}; no NaN in {n} runs|an eps "
    "of 1e-6 inside the log of the loss; NaNs gone",
    "off-by-one in the loader=>off-by-one in the {data} loader dropped the last batch of every "
    "epoch|off-by-one in the sequence packing: labels shifted by one token|off-by-one in the "
    "eval loader skipped the last {n} examples=>range(len(ds) - 1) became range(len(ds)); added "
    "a test that counts examples|labels are shifted once, in the collator only; {metric} moved "
    "by {delta}|drop_last=False for eval and an assert on the example count",
    "OOM=>CUDA OOM on {model} at batch {bs} with {seq} tokens|OOM in the eval step: activations "
    "kept for backward|host OOM while loading {data} into memory=>gradient checkpointing, batch "
    "{bs} with {accum} accumulation steps|torch.no_grad() around eval; peak memory down {pct}%|"
    "memory-mapped shards instead of loading {data} whole",
    "shape mismatch=>shape mismatch in the output head ({topic} run): expected [{bs}, {dim}], got [{dim}, "
    "{bs}]|shape mismatch loading the checkpoint of {model} (vocab {vocab} vs {vocab2})|silent "
    "broadcast in the loss: [{bs}, 1] minus [{bs}] gave [{bs}, {bs}]=>transpose before the head "
    "and asserts on every shape|resized the embeddings to the tokenizer's vocab|squeeze(-1) "
    "before the loss; {metric} changed by {delta}",
    "wrong seed=>all {n} 'seeds' of run {run} used seed 0: the flag never reached the trainer|"
    "data order not seeded: two identical configs gave {metric} {val} and {val2}|seed set after "
    "model init, so reruns of {model} start from different weights=>--seed passed through to "
    "the dataloader workers; reran {n} seeds|one seed_everything() at start-up (torch, numpy, "
    "random, workers)|seed before building the model; reruns now match to 4 decimals",
    "stale cache=>stale cache of tokenized {data}: the new tokenizer was ignored|eval read stale "
    "predictions from the cache for run {run}|stale compiled-kernel cache after the CUDA update, "
    "{n}x slower=>the cache key now includes the tokenizer hash|predictions cached by run id and "
    "config hash|cleared the cache and put the library versions in its key",
    "data leak=>train/val leak in {data}: {n} near-duplicates across the splits|normalisation "
    "statistics computed on all of {data}, test split included=>deduplicated {data} with "
    "MinHash before splitting; {metric} dropped by {delta}|statistics from the train split "
    "only; reran the {phase} baselines",
    "wrong checkpoint=>evaluated the step-0 checkpoint of {model} by mistake: {metric} {val}|"
    "resumed run {run} from the wrong checkpoint folder=>checkpoints named by run id and step; "
    "eval refuses a step-0 checkpoint|resume reads the run id from the config, not the folder",
))
_BUG_DETAILS = _bank(
    "repro: python -m {tag}.train --config configs/{tag}/{phase}_{cfg}.yaml --seed {seed} "
    "(fails at step {step})|where: src/{tag}/{module}.py line {line}, introduced in commit "
    "{sha}|cost: {hours} of {gpus} wasted before I noticed|found it by comparing per-batch "
    "{metric} against the run from last week")
_PAPER_TAKES = _bank(
    "their {topic} trick could fix our {phase} problem|the main claim rests on {data} only|"
    "relevant for {name}: they see the same {metric} plateau|the appendix has the useful "
    "ablation on {topic}|good related work for the {phase} section|they never tune the "
    "baseline's lr, so the gain is suspect|cite in the draft of {name}; contradicts what we see "
    "at {model}|figure 3 is exactly the plot I wanted to make")
_PAPER_NOTES = _bank(
    "method: {topic} applied to {model}, trained with {opt} at lr={lr} for {steps} steps|"
    "results: {metric} {val} on {data} against {val2} for the strongest baseline|"
    "critique: a single seed per setting and no error bars on the main table|"
    "critique: the baseline is under-tuned; {model2} does better in our hands|"
    "useful: the appendix lists every hyperparameter, including warmup {warm}|"
    "code: released, uses the same {data} split as ours, so numbers are comparable|"
    "related: cites the work on {topic2} but misses the newer results")
_PAPER_SUMMARIES = _bank(
    "summary: they study {topic} with {model} on {data}; the main result is {delta} {metric} "
    "over a tuned baseline|summary: a large sweep ({n} sizes, {n2} seeds each) showing {topic} "
    "matters less than the data mix|summary: theory for {topic} plus small experiments on "
    "{data}; the assumptions look strong")
_DECISIONS = _bank(
    "drop {topic} from {name}|switch {name} from {model} to {model2}|freeze the {phase} setup "
    "and move on|use lr={lr} for every further run|keep the learning rate schedule fixed and "
    "sweep {topic} instead|report {metric} as the main number|postpone the {data} experiments "
    "to next month|write up {name} for the workshop deadline|run {n} seeds per config from now "
    "on|stop tuning {model} and use the paper's defaults|ask {person} to co-own the {phase} part")
_REASONS = _bank(
    "the gain is within seed noise|each run costs {hours} and tells us little|{person} saw the "
    "same on {data}|reviewers will ask for it|it makes the comparison fair|only {n} GPU-days "
    "left this month|the {metric} curve has flattened|the deadline is in {n} days|it is what "
    "the baselines in the literature do|it is the one thing that moved {metric}")
_ALTERNATIVES = _bank(
    "alternatives: keep both and double the compute, or ask {person} to run the other arm|"
    "alternatives: a smaller pilot on {data} first; rejected, it would not answer the "
    "question|revisit if {metric} moves by more than {delta}")
_THOUGHTS = _bank(
    "maybe {topic} only helps because of the longer schedule|lr={lr} is probably too high for "
    "{model2}|suspicious: {metric} improves while the loss gets worse|if this holds at {model2} "
    "it is a paper|I expected the opposite; check {topic} before believing it|looks like the "
    "{phase} result from last month|{person} would say this is just regularization|need a "
    "cleaner baseline before claiming anything|the variance across seeds is as big as the "
    "effect|worth a plot of {metric} against {topic}|could be an artefact of the {data} split|"
    "{model} may be copying the errors in its training labels|this is cheaper than I feared; "
    "scale it up|{topic} and lr interact, sweep them jointly")
_DETAILS = _bank(
    "config: configs/{tag}/{phase}_{cfg}.yaml at commit {sha}, {gpus}, {hours} wall clock|"
    "wandb: https://wandb.ai/lab/{tag}/runs/{run} (compare with {tag}-{cfg}-base)|"
    "cmd: python -m {tag}.train --model {model_id} --lr {lr} --bs {bs} --wd {wd} --seed {seed}|"
    "result: {metric} {val2} on the dev split, {delta} against the previous best run|"
    "plot: plots/{tag}/{phase}_{cfg}.png, {metric} against step for the {nseeds} seeds|"
    "loss: {loss} at step {step}, still going down slowly; no spikes after warmup|"
    "data: {data}, {size}k examples after filtering, same split as the {phase} baseline|"
    "seeds: {seeds}; the spread is about the size of the effect|"
    "baseline: run {tag}-{cfg}-base, {metric} {val2}, same data and budget|"
    "throughput: {tps} samples/s on {gpus}, {pct}% of it spent in the data loader|"
    "changed from the last run: {topic}, warmup {warm} steps and batch {bs}")
_OBS = _bank(
    "the loss is still falling at the end|train/val gap of {delta}|{pct}% slower per step than "
    "the baseline|peak memory {mem} GB per GPU|matches the paper within noise|two seeds "
    "diverged and were restarted|the gain is mostly on the hard subset|the curve is noisier "
    "than with {opt}|same as last week's run, so the bug fix did not change it|most of the "
    "gain comes in the first {pct}% of training")
_FOLLOW_UPS = _bank(
    "action: {person} sends the {data} numbers by Friday|next: rerun with {topic} on {model2} "
    "before trusting this|open question: does {topic} survive at {model2}?|numbers: {metric} "
    "{val} against {val2} (ours against theirs), same budget|todo later: clean the {phase} "
    "notebook and move the plots to the draft|note: {person} mentioned a similar effect with "
    "{topic} on {data}|{person}: the {phase} numbers need error bars before anyone outside "
    "sees them|{person}: try {topic2} first, it is cheaper and answers the same question|"
    "{person} is blocked on the {data} preprocessing; I send the script today|agreed: freeze "
    "the {phase} configs by the end of the week|for the draft: one figure with {metric} "
    "against model size, one table of ablations|{person} asked whether {topic} is just a "
    "tuning effect; no clean answer yet|compute: {n2} GPU-days left this month, the {phase} "
    "runs need about {n}")
_IDEAS = _bank(
    "use {topic} as a regularizer in {other}|what if {topic} is just {topic2} in disguise?|"
    "measure {metric} during training, not only at the end|a synthetic task where the answer "
    "is known, to test {topic}|a linear probe for {topic} on {model} activations|combine "
    "{topic} with {topic2} for {name}|a curriculum over {data} ordered by difficulty|a tool "
    "that diffs two configs and their runs|ask {person} whether {topic} worked for them|an "
    "lr schedule that reacts to {metric} plateaus|a workshop paper on {topic} alone, out of "
    "{name}|predict the final {metric} from the first {pct}% of training")
_IDEA_HOWS = _bank(
    "how: a two-day pilot on {data} with {model}, then compare {metric}|how: reuse the {phase} "
    "configs and change only {topic}|how: ask {person} for their code, they built something "
    "close|cost: about {n2} GPU-hours on {gpus}, so only after the deadline")
_TODOS = _bank(
    "Rerun the {phase} sweep with lr={lr}|Email {person} about {topic}|Read {title}|Write the "
    "{phase} section of {name}|Plot {metric} against {topic}|Review PR #{pr} from {person}|"
    "Prepare slides on {name} for group meeting|Ablate {topic} on {model}|Check the lr "
    "schedule of run {run}|Ask {person} for the {data} preprocessing script|Clean up the "
    "checkpoints of {name}|Book GPUs for the {phase} runs|Answer the reviews on {topic}|Update "
    "the README with the new {metric} numbers|Fix the flaky {data} loader test|Submit the "
    "travel reimbursement|Write the related-work paragraph on {topic}")
_TODO_WHY = _bank(
    "needed for the {phase} figure|{person} is waiting for it|before the group meeting|blocks "
    "the {phase} runs|promised {person} last week|the {data} numbers depend on it|small, but "
    "it keeps slipping")
_DROP_REASONS = _bank("thought: not needed after the {phase} result|thought: {person} already "
                      "did it|thought: superseded by the decision on {topic}")
_REFLECTIONS = _bank(
    "The morning block without chat worked well.|Too many context switches between {name} and "
    "{other}.|Should have checked the data before launching {n} runs.|Good day: the {phase} "
    "result finally makes sense.|Estimates were off again; {topic} took twice as long.|The "
    "most useful thing today came from the chat with {person}.|Spent too long on one bug; "
    "write the test first next time.|Felt scattered; tomorrow one thing only.|Reading in the "
    "morning and coding after lunch works for me.|I keep postponing the writing; start with "
    "ten minutes tomorrow.|Launching runs before lunch saved the afternoon.|Said no to a "
    "meeting and got the {phase} plots done.|I trusted a single seed again; the {metric} story "
    "changed with {n} seeds.|Talking the {phase} plan through with {person} saved me a week of "
    "runs.|The best idea today came from reading, not from the runs.|I was reactive all day: "
    "messages, the queue, small fixes.|Writing the {phase} section showed what is still "
    "missing in the experiments.|Ended early and it was the right call.")


class _Researcher:
    """What links one day to the next: the projects' schedule, open bugs, pending to-dos."""

    def __init__(self, start: dt.date, end: dt.date, seed: int, entries_per_day: float) -> None:
        self.rng = random.Random(seed)
        self.start, self.rate = start, entries_per_day
        span = (end - start).days + 1
        projects = list(_PROJECTS)
        self.rng.shuffle(projects)
        eras = max(2, round(span / 365 * 1.1))
        self.era = span / eras  # a project's weight is a bell this wide around its centre
        count = min(len(projects), eras + 1)
        self.schedule = [(projects[i], i * span / (count - 1)) for i in range(count)]
        self.patience: dict[str, int] = {}  # to-do text -> pages it stays open after today
        self.bugs: list[tuple[dt.date, str, str, str]] = []  # open: day, time, category, tag
        self.bug_days: list[tuple[dt.date, str]] = []
        self.runs = 0

    def _slots(self, day: dt.date) -> dict[str, str]:
        """Words for one entry's templates: a project (by the day's weights) and numbers."""
        r = self.rng
        t = (day - self.start).days
        weights = [math.exp(-(((t - c) / self.era) ** 2)) + 0.02 for _, c in self.schedule]
        project, centre = r.choices(self.schedule, weights)[0]
        phases = project.phases.split("|")
        progress = (t - centre) / (2 * self.era) + 0.5
        phase = phases[min(len(phases) - 1, max(0, int(progress * len(phases))))]
        models, topics = project.models.split("|"), project.topics.split("|")
        others = [p.name for p, _ in self.schedule if p is not project]
        model, topic, lr = r.choice(models), r.choice(topics), r.choice(_LRS)
        self.runs += 1
        return _metric(r, project) | {
            "model": model, "model2": r.choice([m for m in models if m != model]),
            "model_id": model.lower().replace(" ", "-").replace("/", "-"),
            "data": r.choice(project.data.split("|")), "topic": topic,
            "topic2": r.choice([t for t in topics if t != topic]), "name": project.name,
            "other": r.choice(others), "phase": phase, "tag": project.tag, "lr": lr,
            "lr2": r.choice([x for x in _LRS if x != lr]),
            "opt": r.choice(_OPTS), "bs": str(r.choice((16, 32, 64, 128, 256, 512, 1024))),
            "wd": r.choice(("0.0", "0.01", "0.05", "0.1", "0.3", "1.0")),
            "seed": str(r.randint(0, 9999)), "n": str(r.randint(2, 12)),
            "n2": str(r.randint(3, 40)), "steps": f"{r.choice((2, 5, 10, 20, 50, 100, 200))}k",
            "epochs": str(r.choice((10, 20, 30, 90, 100, 200, 300))),
            "warm": str(r.choice((100, 500, 1000, 2000, 4000))),
            "spread": f"{r.uniform(0.1, 2.5):.1f}", "loss": f"{r.uniform(0.05, 4.5):.3f}",
            "gpus": f"{r.choice((1, 2, 4, 8))}×{r.choice(_GPUS)}",
            "hours": f"{r.choice((0.5, 1, 2, 3, 5, 8, 12, 20, 36))}h",
            "person": r.choice(_PEOPLE), "run": f"{project.tag}-{day:%m%d}-{self.runs % 100:02d}",
            "step": str(r.randint(2, 400) * 100), "seq": str(r.choice((512, 1024, 2048, 4096))),
            "accum": str(r.choice((2, 4, 8))), "dim": str(r.choice((256, 512, 768, 1024))),
            "vocab": str(r.choice((50257, 50304, 32000))), "vocab2": str(r.choice((50280, 32001))),
            "pr": str(r.randint(12, 900)), "words": str(r.randint(3, 30) * 50),
            "size": str(r.randint(20, 900)), "reviewer": str(r.randint(1, 4)),
            "pct": str(r.randint(5, 60)), "cfg": f"{r.randint(1, 40):02d}",
            "title": f"{r.choice(_TITLE_HEADS)} {r.choice(_TITLE_CORES)} {r.choice(_TITLE_TAILS)}",
            "sha": f"{r.getrandbits(28):07x}", "tps": str(r.randint(40, 4000)),
            "mem": str(r.randint(6, 78)), "line": str(r.randint(20, 900)),
            "module": r.choice(("data", "train", "model", "eval", "loss", "collate")),
        }

    def _say(self, bank: Sequence[str], slots: dict[str, str]) -> str:
        return self.rng.choice(bank).format_map(slots)

    def _some(self, bank: Sequence[str], slots: dict[str, str], count: int) -> list[str]:
        return [t.format_map(slots) for t in self.rng.sample(bank, min(count, len(bank)))]

    def _tagged(self, text: str, slots: dict[str, str], chance: float) -> str:
        r = self.rng
        if r.random() < chance:
            return f"{text} #{slots['tag']}" + (f"/{slots['phase']}" if r.random() < 0.45 else "")
        return f"{text} #{r.choice(_GENERAL_TAGS)}" if r.random() < 0.3 else text

    def _star(self, text: str, chance: float) -> str:
        return f"{text} {STAR}" if self.rng.random() < chance else text

    def _thoughts(self, slots: dict[str, str], count: int) -> list[str]:
        """``count`` different thoughts, some of two clauses."""
        picked = self._some(_THOUGHTS, slots, 2 * count)
        return [f"thought: {a}" + (f"; {b}" if self.rng.random() < 0.65 else "")
                for a, b in zip(picked[::2], picked[1::2], strict=True)]

    def _feel(self, slots: dict[str, str]) -> str:
        emotions, causes = self.rng.choice(_FEELINGS)
        return f"{self.rng.choice(emotions)}, {self._say(causes, slots)}"

    # --- one day ---

    def day(self, day: dt.date, page: Page) -> Page:
        """Fill a new page (carried to-dos already on it) with the day's entries."""
        r = self.rng
        for _ in range(max(0, round(r.gauss(self.rate * 0.1, 1.0)))):
            page = self._add_todo(day, page)
        start = 8 * 60 + r.randint(0, 100) + (90 if day.weekday() >= 5 else 0)
        stop = min(start + r.randint(7 * 60, 10 * 60), 22 * 60)
        events = ["done"] * max(1, round(r.gauss(self.rate * 0.6, 1.5)))
        events += ["ideas"] * (1 if r.random() < 0.55 else 2 if r.random() < 0.15 else 0)
        r.shuffle(events)
        for section, minute in zip(events, sorted(r.sample(range(start, stop), len(events))),
                                   strict=True):
            clock = f"{minute // 60:02d}:{minute % 60:02d}"
            if section == "ideas":
                page = self._idea(page, clock, self._slots(day))
            else:
                page = self._done(day, page, clock, self._slots(day))
        if r.random() < 0.65:
            slots = self._slots(day)
            minute = min(stop + r.randint(0, 60), 23 * 60 + 59)
            text = " ".join(self._some(_REFLECTIONS, slots, r.choice((1, 2, 2, 3, 4, 5))))
            page, _ = markdown.append_entry(
                page, "reflection", [f"- {minute // 60:02d}:{minute % 60:02d} {text}"])
        return self._evening(day, page)

    def _patience(self) -> int:
        """How many more pages a new to-do stays open (0: it is settled the day it is written)."""
        x = self.rng.random()
        if x < 0.95:
            return 0 if x < 0.8 else 1 if x < 0.87 else 2
        return self.rng.randint(3, 7) if x < 0.99 else self.rng.randint(8, 15)

    def _add_todo(self, day: dt.date, page: Page) -> Page:
        r = self.rng
        slots = self._slots(day)
        text = self._say(_TODOS, slots)
        # not the words of a to-do already on the page (a carried one): a list that holds the
        # same to-do twice reads as a bug in the tool
        listed = {_task_words(task.text) for task in page.tasks()}
        for _ in range(10):
            if _task_words(text) not in listed:
                break
            text = self._say(_TODOS, slots)
        if r.random() < 0.4:
            text += f" ({self._say(_TODO_WHY, slots)})"
        text = self._tagged(text, slots, 0.7)
        if r.random() < 0.85:
            minutes = r.choice((15, 30, 30, 45, 60, 60, 90, 120, 120, 180, 240, 360))
            text += f" [est:: {format_duration(minutes)}]"
        text = self._star(text, 0.03)
        self.patience[_task_key(text)] = self._patience()
        return markdown.append_entry(page, "todo", [f"- [ ] {text}"])[0]

    def _evening(self, day: dt.date, page: Page) -> Page:
        """Settle the to-dos whose time has come (most done, some dropped); plan for tomorrow."""
        r = self.rng
        # Bottom up, so that a line added under one to-do leaves the others' indices valid.
        for entry in reversed([e for e in page.tasks() if e.is_open]):
            key = _task_key(entry.text)
            left = self.patience.pop(key, 0)
            if left > 0:
                self.patience[key] = left - 1
                continue
            body = markdown.line_body(page, entry.index)
            if r.random() < 0.1:
                page = markdown.replace_line(page, entry.index, markdown.set_state(body, DROPPED))
                if r.random() < 0.4:
                    reason = self._say(_DROP_REASONS, self._slots(day))
                    page = markdown.add_children(page, _entry_at(page, entry.index), [reason])
                continue
            body = markdown.set_state(body, DONE)
            est = entry.field("est")
            if r.random() < (0.85 if est is not None else 0.25):
                base = parse_duration(est) if est is not None else r.choice((20, 45, 90))
                ratio = min(4.0, max(0.6, math.exp(r.gauss(0.25, 0.33))))  # median 1.3x
                took = format_duration(max(5, round(base * ratio / 5) * 5))
                body = markdown.set_field(body, "took", took)
            page = markdown.replace_line(page, entry.index, body)
        for _ in range(1 + (r.random() < 0.1)):
            page = self._add_todo(day, page)
        return page

    def _idea(self, page: Page, clock: str, slots: dict[str, str]) -> Page:
        r = self.rng
        text = self._tagged(self._say(_IDEAS, slots), slots, 0.5)
        source = f"chat with {r.choice(_PEOPLE)}" if r.random() < 0.3 else r.choice(_IDEA_SOURCES)
        page, at = markdown.append_entry(
            page, "ideas", [f"- {clock} {self._star(f'{text} [from:: {source}]', 0.08)}"])
        children = self._thoughts(slots, 1) if r.random() < 0.6 else []
        children += self._some(_IDEA_HOWS, slots, int(r.random() < 0.5))
        return markdown.add_children(page, _entry_at(page, at), children) if children else page

    def _done(self, day: dt.date, page: Page, clock: str, slots: dict[str, str]) -> Page:
        r = self.rng
        kind = r.choices(
            ("exp", "result", "bug", "fix", "read", "decision", "note", "thought", "feel"),
            (28, 11, 9, 8 if self.bugs else 0, 13, 8, 16, 5, 2))[0]
        children: list[str] = []
        if kind in ("exp", "result"):
            text = self._say(_EXP if kind == "exp" else _RESULT, slots)
            text += "".join("; " + o for o in self._some(_OBS, slots, r.choice((0, 1, 2, 2))))
            children += self._some(_DETAILS, slots,
                                   r.randint(5, 9) if kind == "exp" else r.randint(3, 5))
        elif kind == "note":
            text = self._say(_NOTE, slots)
            children += self._some(_FOLLOW_UPS, slots, r.choice((1, 2, 3, 4, 6, 8)))
        elif kind == "bug":
            category, bugs, _ = r.choice(_BUGS)
            text = self._say(bugs, slots)
            self.bugs.append((day, clock, category, slots["tag"]))
            recent = sum(c == category and (day - d).days <= 45 for d, c in self.bug_days)
            self.bug_days.append((day, category))
            if recent:
                children.append(f"thought: {_ordinal(recent + 1)} {category} in six weeks; "
                                "add a check to the training script")
            children += self._some(_BUG_DETAILS, slots, r.randint(2, 3))
        elif kind == "fix":
            bug_day, bug_time, category, tag = self.bugs.pop(r.randrange(len(self.bugs)))
            fixes = next(f for c, _, f in _BUGS if c == category)
            when = f"at {bug_time}" if bug_day == day else f"from {bug_day.isoformat()}"
            text = f"{self._say(fixes, slots)} (fixes the {category} {when})"
            slots = slots | {"tag": tag}
            children.append(f"test: tests/test_{slots['module']}.py now covers it; reran "
                            f"{slots['run']} to check, {slots['metric']} {slots['val']}")
        elif kind == "read":
            published = day - dt.timedelta(days=r.randint(0, 700))
            source = f"chat with {r.choice(_PEOPLE)}" if r.random() < 0.25 else r.choice(
                _PAPER_SOURCES)
            link = f"https://arxiv.org/abs/{published:%y%m}.{r.randint(1, 19999):05d}"
            text = self._tagged(f"{slots['title']} {link}", slots, 0.6) + f" [from:: {source}]"
            if r.random() < 0.7:
                children.append(self._say(_PAPER_SUMMARIES, slots))
                children += self._some(_PAPER_NOTES, slots, r.randint(1, 5))
            children.append(f"thought: {self._say(_PAPER_TAKES, slots)}")
        elif kind == "decision":
            text = f"{self._say(_DECISIONS, slots)}, because {self._say(_REASONS, slots)}"
            children.append(self._say(_ALTERNATIVES, slots))
        else:
            text = self._say(_THOUGHTS, slots) if kind == "thought" else self._feel(slots)
        if kind != "read":
            text = self._tagged(text, slots, 0.85 if kind != "feel" else 0.2)
        head = f"- {clock} " + ("" if kind == "note" else f"{kind}: ")
        page, at = markdown.append_entry(page, "done", [head + self._star(text, 0.035)])
        count = r.choice((1, 1, 2)) if kind in ("exp", "result", "decision", "bug") else 0
        children += self._thoughts(slots, count or int(r.random() < 0.7))
        if r.random() < (0.25 if kind in ("bug", "exp") else 0.08):
            children.append(f"feel: {self._feel(slots)}")
        return markdown.add_children(page, _entry_at(page, at), children) if children else page


def _metric(r: random.Random, project: _Project) -> dict[str, str]:
    """One of the project's metrics: two values, a change and a few per-seed values."""
    name, low, high, unit = r.choice(project.metrics.split("|")).split(":")
    lo, hi = float(low), float(high)
    values = [r.uniform(lo, hi), r.uniform(lo, hi)]
    noise = (hi - lo) / 30
    values += [values[0] + r.gauss(0, noise) for _ in range(r.randint(3, 5))]
    values.append(r.gauss(0, noise))
    places = 1 if unit == "%" else int(unit)
    shown = [f"{v:.{places}f}" + ("%" if unit == "%" else "") for v in values]
    # "nseeds" is how many per-seed values "seeds" lists, so "3 seeds" never shows two values
    return {"metric": name, "val": shown[0], "val2": shown[1], "seeds": " / ".join(shown[2:-1]),
            "nseeds": str(len(shown) - 3),
            "delta": f"{values[-1]:+.{places}f}" + (" pts" if unit == "%" else "")}


def _ordinal(n: int) -> str:
    return {2: "second", 3: "third", 4: "fourth", 5: "fifth"}.get(n, f"{n}th")


def _task_words(text: str) -> str:
    """A to-do's words without fields, tags and the reason in brackets after them."""
    return " ".join(markdown.strip_tags(markdown.strip_fields(text)).split(" (")[0].split()).lower()


def _task_key(text: str) -> str:
    """A to-do's identity across pages: its text without the carried field."""
    return markdown.remove_field(text, "carried")


def _entry_at(page: Page, index: int) -> Entry:
    return next(e for e in page.entries() if e.index == index)


def _skipped(rng: random.Random, day: dt.date, holiday_until: list[dt.date]) -> bool:
    """Whether the researcher writes no page on ``day`` (weekend, sick day, holiday)."""
    if holiday_until and day <= holiday_until[0]:
        return True
    if day.weekday() >= 5:
        return rng.random() < 0.72
    if rng.random() < 0.0025:
        holiday_until[:] = [day + dt.timedelta(days=rng.randint(4, 13))]
        return True
    return rng.random() < 0.02


def generate_days(
    start: dt.date, end: dt.date, seed: int = 1,
    entries_per_day: float = DEFAULT_ENTRIES_PER_DAY,
) -> Iterator[tuple[dt.date, str]]:
    """Day pages from ``start`` to ``end`` (both always have one), oldest first.

    Yields ``(day, page text)``. A page is yielded only once the next page has
    been made, because making it marks the old page's open to-dos ``[>]``; the
    last page keeps its open to-dos open.
    """
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    researcher = _Researcher(start, end, seed, entries_per_day)
    holiday: list[dt.date] = []
    previous: tuple[dt.date, Page] | None = None
    day = start
    while day <= end:
        if day in (start, end) or not _skipped(researcher.rng, day, holiday):
            page = markdown.parse(new_day_text(day))
            if previous is not None:
                page, marked = carry_over(previous[1], previous[0], page)
                yield previous[0], markdown.render(marked)
            previous = (day, researcher.day(day, page))
        day += dt.timedelta(days=1)
    if previous is not None:
        yield previous[0], markdown.render(previous[1])


__all__ = ["DEFAULT_ENTRIES_PER_DAY", "generate_days"]
