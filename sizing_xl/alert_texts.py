"""The alerts' messages in pt-BR and English (data beside alerts.py), keyed by code; an alert's
reason (its "reason" param) is worded in REASONS and fills the message's {why}."""

from __future__ import annotations

from sizing_xl.i18n import Lang

TEXT: dict[str, dict[Lang, str]] = {
    "CONTEXT_ABOVE_MODEL_MAX": {
        "pt-BR": "Contexto efetivo ({context} tokens) excede o máximo do modelo {model} "
        "({max_context} tokens).",
        "en": "Effective context ({context} tokens) exceeds the maximum of model {model} "
        "({max_context} tokens).",
    },
    "KV_PRECISION_16BIT": {
        "pt-BR": "Precisão KV {precision} usa 2 bytes/elemento: dobra o KV por sessão frente a "
        "fp8 e reduz sessões/nó em ~50%.",
        "en": "KV precision {precision} takes 2 bytes/element: it doubles KV per session "
        "against fp8 and cuts sessions/node by ~50%.",
    },
    "KV_BUDGET_AGGRESSIVE": {
        "pt-BR": "Budget de KV de {ratio} da HBM (> {limit}) aumenta o risco de fragmentação "
        "e instabilidade em runtime.",
        "en": "A KV budget of {ratio} of HBM (> {limit}) raises the risk of fragmentation "
        "and runtime instability.",
    },
    "RUNTIME_OVERHEAD_LOW": {
        "pt-BR": "Overhead de runtime de {overhead} GiB (< {limit} GiB) provavelmente está "
        "subestimado: risco de OOM.",
        "en": "A runtime overhead of {overhead} GiB (< {limit} GiB) is probably underestimated: "
        "risk of OOM.",
    },
    "NO_PEAK_HEADROOM": {
        "pt-BR": "Cenário {scenario}: headroom de 0% — sem tolerância a picos; picos de demanda "
        "causam degradação.",
        "en": "Scenario {scenario}: 0% headroom — no tolerance for peaks; demand peaks cause "
        "degradation.",
    },
    "NO_SESSION_FITS": {
        "pt-BR": "Cenário {scenario}: nem 1 sessão cabe em um nó (KV/sessão {kv} GiB, budget "
        "{budget} GiB). Reduza o contexto, use fp8 ou um servidor maior.",
        "en": "Scenario {scenario}: not even 1 session fits a node (KV/session {kv} GiB, budget "
        "{budget} GiB). Reduce the context, use fp8 or a larger server.",
    },
    "OVERHEAD_EXCEEDS_HBM": {
        "pt-BR": "Cenário {scenario}: o overhead de runtime ({overhead} GiB) é maior ou igual à "
        "HBM do nó ({hbm} GiB): não sobra memória para KV. Revise --runtime-overhead-gib.",
        "en": "Scenario {scenario}: the runtime overhead ({overhead} GiB) is at least the node's "
        "HBM ({hbm} GiB): no memory is left for KV. Check --runtime-overhead-gib.",
    },
    "NODE_COUNT_HIGH": {
        "pt-BR": "Cenário {scenario}: {nodes} nós (> {limit}): carga excessiva ou configuração "
        "ineficiente. Revise os NFRs ou considere um modelo menor.",
        "en": "Scenario {scenario}: {nodes} nodes (> {limit}): excessive load or an inefficient "
        "configuration. Review the NFRs or consider a smaller model.",
    },
    "SCENARIOS_CLOSE": {
        "pt-BR": "Cenários {low} ({low_nodes} nós) e {high} ({high_nodes} nós) diferem menos de "
        "{gap}: carga leve ou sobre-provisionamento; considere otimizações.",
        "en": "Scenarios {low} ({low_nodes} nodes) and {high} ({high_nodes} nodes) differ by less "
        "than {gap}: light load or over-provisioning; consider optimizations.",
    },
    "LONG_CONTEXT": {
        "pt-BR": "Contexto longo ({context} tokens) aumenta TTFT (Time To First Token) e pressiona "
        "I/O de storage durante prefill. Storage: {storage} ({read} GB/s de leitura, P99={p99} "
        "ms).",
        "en": "Long context ({context} tokens) increases TTFT (Time To First Token) and pressures "
        "storage I/O during prefill. Storage: {storage} ({read} GB/s read, P99={p99} ms).",
    },
    "KV_REPLICATED_BY_TP": {
        "pt-BR": "Com tensor parallelism {tp}, o KV de {model} é replicado ({factor}x): cada rank "
        "guarda ao menos uma cabeça KV ou o latente MLA inteiro.",
        "en": "With tensor parallelism {tp}, the KV of {model} is replicated ({factor}x): each "
        "rank holds at least one KV head or the whole MLA latent.",
    },
    "TP_CHOSEN": {
        "pt-BR": "Sem --tensor-parallel: TP {tp}, o menor com que o {engine} inicia {model} "
        "({weights} GiB de pesos); informe --tensor-parallel para outro.",
        "en": "No --tensor-parallel given: TP {tp}, the smallest at which {engine} starts "
        "{model} ({weights} GiB of weights); pass --tensor-parallel for another.",
    },
    "TP_ACROSS_NODES": {
        "pt-BR": "TP {tp} ocupa {nodes} nós: os all-reduces de cada camada atravessam a rede "
        "(NCCL; o all-reduce por NVLink dos engines fica desligado entre nós){why}. A orientação "
        "do vLLM é TP dentro do nó e pipeline parallel entre nós: --tensor-parallel {node_gpus} "
        "--pipeline-parallel {stages}.",
        "en": "TP {tp} spans {nodes} nodes: each layer's all-reduces cross the network (NCCL; the "
        "engines' NVLink all-reduce is off across nodes){why}. vLLM's guidance is TP within a "
        "node and pipeline parallel across nodes: --tensor-parallel {node_gpus} "
        "--pipeline-parallel {stages}.",
    },
    "MLA_TP_ASSUMED_1": {
        "pt-BR": "{model} usa MLA: o latente é replicado em cada rank de tensor parallelism. Este "
        "dimensionamento assume TP=1 (ou data-parallel attention); informe --tensor-parallel.",
        "en": "{model} uses MLA: its latent is replicated on every tensor-parallel rank. This "
        "sizing assumes TP=1 (or data-parallel attention); pass --tensor-parallel.",
    },
    "WEIGHTS_DO_NOT_FIT": {
        "pt-BR": "{engine}: {weights} GiB de pesos por GPU (TP {tp} × PP {pp}) deixam {available} "
        "GiB de {usable} GiB × {fraction} para KV, menos que uma sessão ({session} GiB por GPU). "
        "Só os pesos pedem ao menos {min_gpus} GPUs por réplica: aumente --tensor-parallel ou "
        "--pipeline-parallel.",
        "en": "{engine}: {weights} GiB of weights per GPU (TP {tp} × PP {pp}) leave {available} "
        "GiB of {usable} GiB × {fraction} for KV, less than one session ({session} GiB per GPU). "
        "The weights alone need at least {min_gpus} GPUs per replica: raise --tensor-parallel or "
        "--pipeline-parallel.",
    },
    "OVERHEAD_BELOW_WEIGHTS": {
        "pt-BR": "O overhead de runtime ({overhead} GiB por nó) é menor que os pesos que um nó "
        "guarda ({weights} GiB de {model}, réplicas por nó: {replicas}); o budget ratio esconde a "
        "diferença. Compare com a verificação do engine (--method vllm).",
        "en": "The runtime overhead ({overhead} GiB per node) is smaller than the weights a node "
        "holds ({weights} GiB of {model}, replicas per node: {replicas}); the budget ratio hides the "
        "gap. Compare with the engine check (--method vllm).",
    },
    "METHOD_DISAGREES": {
        "pt-BR": "O método {method} dá {method_sessions} sessões/nó; o {engine} guardaria "
        "{engine_sessions} ({ratio}): nós no cenário Recomendado {method_nodes} contra "
        "{engine_nodes}.",
        "en": "Method {method} gives {method_sessions} sessions/node; {engine} would hold "
        "{engine_sessions} ({ratio}): Recommended nodes {method_nodes} against {engine_nodes}.",
    },
    "MAX_NUM_SEQS_CAP": {
        "pt-BR": "{engine}: a memória comporta {by_memory} sessões por réplica, mas o limite de "
        "sequências simultâneas é {cap} (--max-num-seqs).",
        "en": "{engine}: memory holds {by_memory} sessions per replica, but the limit of "
        "concurrent sequences is {cap} (--max-num-seqs).",
    },
    "USABLE_MEMORY_ASSUMED": {
        "pt-BR": "{server} não tem a memória reportada pelo driver (usable_gib_per_gpu): o "
        "{engine} foi calculado com os {gib} GiB do valor do fabricante em GB decimais, "
        "cerca de 7% a menos; informe --usable-gib-per-gpu.",
        "en": "{server} has no driver-reported memory (usable_gib_per_gpu): {engine} was sized "
        "on the vendor's decimal-GB figure, {gib} GiB, about 7% low; pass --usable-gib-per-gpu.",
    },
    "THROUGHPUT_BOUND": {
        "pt-BR": "Cenário {scenario}: o SLO de {limit} limita o nó a {sessions} sessões "
        "(a memória comporta {memory}): {nodes} nós.",
        "en": "Scenario {scenario}: the {limit} SLO limits a node to {sessions} sessions "
        "(memory holds {memory}): {nodes} nodes.",
    },
    "SLO_UNREACHABLE": {
        "pt-BR": "Cenário {scenario}: nenhum nó atende o SLO de {limit}: {why}",
        "en": "Scenario {scenario}: no node meets the {limit} SLO: {why}",
    },
    "SLOW_DECODE": {
        "pt-BR": "Cenário {scenario}: com o nó cheio ({sessions} sessões), cada sessão gera "
        "{rate} tokens/s (< {limit}); defina --min-tokens-per-second para dimensionar por vazão.",
        "en": "Scenario {scenario}: with the node full ({sessions} sessions) each session decodes "
        "{rate} tokens/s (< {limit}); set --min-tokens-per-second to size for throughput.",
    },
    "WEIGHTS_UNKNOWN": {
        "pt-BR": "{model}: tamanho dos pesos desconhecido (o catálogo não traz weights_gib, nem "
        "params_total_b e weights_precision): sem verificação do vLLM, tempo de passo, tokens/s, "
        "TTFT, SLOs nem custo por token; os números de memória do seed não dependem deles "
        "(informe --weights-gib).",
        "en": "{model}: weights size unknown (the catalog gives no weights_gib, nor "
        "params_total_b and weights_precision): no vLLM check, step time, tokens/s, TTFT, SLOs "
        "or cost per token; the seed's memory figures need none (pass --weights-gib).",
    },
    "NO_NODE_PRICE": {
        "pt-BR": "{server}: sem preço público do nó; CapEx e TCO não calculados (informe "
        "--node-price-usd).",
        "en": "{server}: no public node price; CapEx and TCO not computed (pass --node-price-usd).",
    },
}

# An alert's "why" clause, by its "reason" param (SLO_UNREACHABLE: why no node meets it;
# TP_ACROSS_NODES: the all-reduces' share of a step, where known); the figures are its params.
REASONS: dict[str, dict[Lang, str]] = {
    "allreduce_share": {
        "pt-BR": ", {comm} ms de cada passo de decode de {step} ms",
        "en": ", {comm} ms of each {step} ms decode step",
    },
    "no_step_figures": {"pt-BR": "", "en": ""},
    "ttft_prefill_alone": {
        "pt-BR": "mesmo sozinha, uma sessão só recebe o primeiro token de um prefill de {prompt} "
        "tokens após {ttft} s > {max_ttft} s; use mais GPUs por réplica (TP) ou um prompt mais "
        "curto",
        "en": "even alone, the first token of a prefill of {prompt} tokens comes after {ttft} s > "
        "{max_ttft} s; more GPUs per replica (TP) or a shorter prompt",
    },
    "decode_alone": {
        "pt-BR": "uma sessão sozinha gera {rate} tokens/s < {min_rate} (cada passo lê {weights} "
        "GiB de pesos e tem {fixed_ms} ms de custos fixos)",
        "en": "one session alone decodes at {rate} tokens/s < {min_rate} (the step reads "
        "{weights} GiB of weights and has {fixed_ms} ms of fixed costs)",
    },
}
