"""Portuguese for the project-written phrases the packaged catalogs carry (data beside finops.py).

The catalogs stay in English, the source of truth. A phrase a pt-BR face prints (the executive
report, the text report, the director's workbook) has its rendering here, keyed by its exact
English text; text with none (an analyst's own catalog) is shown as written, never dropped.
"""

from __future__ import annotations

from sizing_xl.i18n import Lang

# The catalog fields whose text a pt-BR face prints, by catalog file (the cost assumptions'
# sources and the cloud offer's kind); tests hold every packaged value of them to a rendering.
SHOWN_FIELDS: dict[str, tuple[str, ...]] = {
    "servers.json": ("price_source",),
    "cloud.json": ("source", "price_kind"),
    "api.json": ("source",),
    "finance.json": ("source",),
}

# Citations repeated across entries: a repository at a commit, kept as written.
_GENAI = "pydantic/genai-prices@47df840a5ab10bbcffb8e5ac01b9899032245d1b"
_LITELLM = (
    "Prajwalsrinvas/token-tariff:model_prices_and_context_window.json@"
    "77b8722619d64503658ecc85979802d678a5626c"
)
_LITELLM_EN = f"{_LITELLM} (copy of BerriAI/litellm model_prices_and_context_window.json, committed 2026-08-01)"
_LITELLM_PT = f"{_LITELLM} (cópia de BerriAI/litellm model_prices_and_context_window.json, commit de 2026-08-01)"
_OPENROUTER = (
    "Prajwalsrinvas/token-tariff:data/history/2026-08-01/openrouter_models.json@"
    "90407ebd546e7f05f8d0c9356541b4c9f7f7dca4"
)
_FIREWORKS_DOCS = "https://docs.fireworks.ai/serverless/pricing"
_CONFIGIQ = "redhat-performance/configiq lib/costing-assumptions.ts"
_CLOUD = "redhat-performance/configiq lib/hybrid-savings/cloud-offer-catalog.ts"

# English (exactly as the catalog or the engine writes it) -> pt-BR.
PT_BR: dict[str, str] = {
    # words the engine writes where a flag replaced a catalog figure
    "given as --node-price-usd": "informado em --node-price-usd",
    "given as a flag": "informado por flag",
    # servers.json: price_source
    "no public price found: NVIDIA publishes no DGX list price and no indicative figure for "
    "this node was found; pass --node-price-usd": "nenhum preço público encontrado: a NVIDIA "
    "não publica preço de lista dos DGX e não se achou valor indicativo para este nó; informe "
    "--node-price-usd",
    "redhat-performance/configiq lib/hybrid-savings/purchase-catalog.ts: indicative 8-GPU node "
    "price and installation": "redhat-performance/configiq lib/hybrid-savings/purchase-catalog.ts: "
    "preço indicativo de um nó de 8 GPUs e da instalação",
    "no public price found for an 8-GPU platform of this GPU; pass --node-price-usd": "nenhum "
    "preço público encontrado para uma plataforma de 8 GPUs deste modelo; informe "
    "--node-price-usd",
    # cloud.json: source and price_kind
    f"{_CLOUD} (the region is not stated there)": f"{_CLOUD} (a região não é informada ali)",
    f"{_CLOUD}: a capacity-block price, not on-demand (the region is not stated there)": f"{_CLOUD}"
    ": preço de bloco de capacidade, não sob demanda (a região não é informada ali)",
    "on-demand": "sob demanda",
    "capacity block": "bloco de capacidade",
    # api.json: source
    f"{_GENAI} (HEAD 2026-08-21) prices/providers/fireworks.yml (prices_checked 2026-08-04); "
    f"same figures on {_FIREWORKS_DOCS} (undated docs page; lists DeepSeek V4 Pro and Kimi "
    "K2.6, so 2026)": f"{_GENAI} (HEAD de 2026-08-21) prices/providers/fireworks.yml "
    f"(prices_checked 2026-08-04); os mesmos valores em {_FIREWORKS_DOCS} (página sem data; "
    "lista DeepSeek V4 Pro e Kimi K2.6, logo 2026)",
    "https://tokenmix.ai/blog/groq-api-access-2026-free-tier-rate-limits (dated 2026-06-04; "
    f"quotes Groq's pricing page) and {_GENAI} (HEAD 2026-08-21) prices/providers/groq.yml "
    "(prices_checked 2025-08-06)": "https://tokenmix.ai/blog/groq-api-access-2026-free-tier-rate-"
    "limits (de 2026-06-04; cita a página de preços da Groq) e "
    f"{_GENAI} (HEAD de 2026-08-21) prices/providers/groq.yml (prices_checked 2025-08-06)",
    f"{_OPENROUTER} (raw dump of https://openrouter.ai/api/v1/models, fetched 2026-08-01 per "
    "data/history/2026-08-01/provenance.md)": f"{_OPENROUTER} (cópia bruta de "
    "https://openrouter.ai/api/v1/models, obtida em 2026-08-01 segundo "
    "data/history/2026-08-01/provenance.md)",
    f"{_GENAI} (HEAD 2026-08-21) prices/providers/fireworks.yml (prices_checked 2026-08-04); "
    f"same on {_FIREWORKS_DOCS} (undated docs page; lists DeepSeek V4 Pro and Kimi K2.6, so "
    f"2026)": f"{_GENAI} (HEAD de 2026-08-21) prices/providers/fireworks.yml (prices_checked "
    f"2026-08-04); o mesmo em {_FIREWORKS_DOCS} (página sem data; lista DeepSeek V4 Pro e Kimi "
    "K2.6, logo 2026)",
    f"{_GENAI} (HEAD 2026-08-21) prices/providers/groq.yml (prices_checked 2025-08-06); also "
    f"{_LITELLM_EN} key groq/openai/gpt-oss-20b": f"{_GENAI} (HEAD de 2026-08-21) "
    f"prices/providers/groq.yml (prices_checked 2025-08-06); também {_LITELLM_PT} chave "
    "groq/openai/gpt-oss-20b",
    f"{_GENAI} (HEAD 2026-08-21) prices/providers/groq.yml (prices_checked 2025-08-12); also "
    f"{_LITELLM_EN} key groq/llama-3.1-8b-instant": f"{_GENAI} (HEAD de 2026-08-21) "
    f"prices/providers/groq.yml (prices_checked 2025-08-12); também {_LITELLM_PT} chave "
    "groq/llama-3.1-8b-instant",
    f"{_LITELLM_EN} key deepinfra/meta-llama/Meta-Llama-3.1-8B-Instruct": f"{_LITELLM_PT} chave "
    "deepinfra/meta-llama/Meta-Llama-3.1-8B-Instruct",
    "api-evangelist/sambanova-systems:plans/sambanova-systems-plans-pricing.yml@"
    "61aca336933f14fb09daaa6d7231234a261d6830 (transcribed from "
    "https://cloud.sambanova.ai/plans/pricing, 'page read 2026-10-07')": "api-evangelist/"
    "sambanova-systems:plans/sambanova-systems-plans-pricing.yml@"
    "61aca336933f14fb09daaa6d7231234a261d6830 (transcrito de "
    "https://cloud.sambanova.ai/plans/pricing, 'página lida em 2026-10-07')",
    f"{_GENAI} (HEAD 2026-08-21) prices/providers/huggingface_together.yml (auto-generated from "
    "router.huggingface.co; price lines last changed 2026-03-20) and together.yml "
    "(prices_checked 2025-07-03)": f"{_GENAI} (HEAD de 2026-08-21) "
    "prices/providers/huggingface_together.yml (gerado de router.huggingface.co; preços "
    "alterados pela última vez em 2026-03-20) e together.yml (prices_checked 2025-07-03)",
    f"{_GENAI} (HEAD 2026-08-21) prices/providers/together.yml (prices_checked 2025-07-03); "
    f"same in {_LITELLM_EN}": f"{_GENAI} (HEAD de 2026-08-21) prices/providers/together.yml "
    f"(prices_checked 2025-07-03); o mesmo em {_LITELLM_PT}",
    "https://lava-a04d7b3f.mintlify.dev/docs/gateway/providers/deepinfra (Lava gateway docs "
    "table of DeepInfra prices)": "https://lava-a04d7b3f.mintlify.dev/docs/gateway/providers/"
    "deepinfra (tabela de preços da DeepInfra na documentação do gateway Lava)",
    f"{_LITELLM_EN} key meta.llama3-1-405b-instruct-v1:0": f"{_LITELLM_PT} chave "
    "meta.llama3-1-405b-instruct-v1:0",
    f"{_GENAI} (HEAD 2026-08-21) prices/providers/groq.yml (prices_checked 2025-08-12); also "
    f"{_LITELLM_EN} key groq/qwen/qwen3-32b": f"{_GENAI} (HEAD de 2026-08-21) "
    f"prices/providers/groq.yml (prices_checked 2025-08-12); também {_LITELLM_PT} chave "
    "groq/qwen/qwen3-32b",
    f"{_LITELLM_EN} key deepinfra/Qwen/Qwen3-32B": f"{_LITELLM_PT} chave deepinfra/Qwen/Qwen3-32B",
    f"{_GENAI} (HEAD 2026-08-21) prices/providers/fireworks.yml (prices_checked 2025-07-13); "
    f"same in {_LITELLM_EN}": f"{_GENAI} (HEAD de 2026-08-21) prices/providers/fireworks.yml "
    f"(prices_checked 2025-07-13); o mesmo em {_LITELLM_PT}",
    f"{_GENAI} (HEAD 2026-08-21) prices/providers/huggingface_together.yml": f"{_GENAI} (HEAD de "
    "2026-08-21) prices/providers/huggingface_together.yml",
    f"{_FIREWORKS_DOCS} (undated docs page; lists DeepSeek V4 Pro and Kimi K2.6, so 2026); "
    f"{_GENAI} (HEAD 2026-08-21) prices/providers/fireworks.yml deepseek-v3p2 (prices_checked "
    "2026-02-03)": f"{_FIREWORKS_DOCS} (página sem data; lista DeepSeek V4 Pro e Kimi K2.6, "
    f"logo 2026); {_GENAI} (HEAD de 2026-08-21) prices/providers/fireworks.yml deepseek-v3p2 "
    "(prices_checked 2026-02-03)",
    f"{_LITELLM_EN} key deepseek-chat (source field https://api-docs.deepseek.com/quick_start/"
    "pricing)": f"{_LITELLM_PT} chave deepseek-chat (campo source: "
    "https://api-docs.deepseek.com/quick_start/pricing)",
    f"{_GENAI} (HEAD 2026-08-21) prices/providers/aws.yml; same in {_LITELLM_EN} "
    "(us-east-1/us-west-2)": f"{_GENAI} (HEAD de 2026-08-21) prices/providers/aws.yml; o mesmo "
    f"em {_LITELLM_PT} (us-east-1/us-west-2)",
    f"{_GENAI} (HEAD 2026-08-21) prices/providers/mistral.yml (prices_checked 2025-08-12); same "
    "in LiteLLM mistral/open-mixtral-8x7b": f"{_GENAI} (HEAD de 2026-08-21) "
    "prices/providers/mistral.yml (prices_checked 2025-08-12); o mesmo no LiteLLM "
    "mistral/open-mixtral-8x7b",
    f"{_LITELLM_EN} key deepinfra/mistralai/Mixtral-8x7B-Instruct-v0.1": f"{_LITELLM_PT} chave "
    "deepinfra/mistralai/Mixtral-8x7B-Instruct-v0.1",
    "https://www.lava.so/docs/gateway/providers/fireworks (Lava gateway table of Fireworks "
    f"prices); same $1.20/$1.20 in {_LITELLM_EN}": "https://www.lava.so/docs/gateway/providers/"
    "fireworks (tabela de preços da Fireworks no gateway Lava); os mesmos $1.20/$1.20 em "
    f"{_LITELLM_PT}",
    f"{_LITELLM_EN} key mistral/open-mixtral-8x22b": f"{_LITELLM_PT} chave "
    "mistral/open-mixtral-8x22b",
    f"{_GENAI} (HEAD 2026-08-21) prices/providers/aws.yml (prices_checked 2026-06-03); same in "
    "LiteLLM": f"{_GENAI} (HEAD de 2026-08-21) prices/providers/aws.yml (prices_checked "
    "2026-06-03); o mesmo no LiteLLM",
    f"{_LITELLM_EN} key deepinfra/google/gemma-3-27b-it": f"{_LITELLM_PT} chave "
    "deepinfra/google/gemma-3-27b-it",
    f"{_LITELLM_EN} key bedrock_mantle/google.gemma-4-31b": f"{_LITELLM_PT} chave "
    "bedrock_mantle/google.gemma-4-31b",
    # finance.json: source
    _CONFIGIQ: _CONFIGIQ,  # a file, nothing to translate
    f"{_CONFIGIQ} (Uptime Institute's 2023 average is about 1.55; modern AI halls about 1.2)": (
        f"{_CONFIGIQ} (a média de 2023 do Uptime Institute é cerca de 1.55; salas modernas de "
        "IA, cerca de 1.2)"
    ),
    f"{_CONFIGIQ}; llm-d-incubation/llm-d-planner src/planner/knowledge_base/model_catalog.py": (
        f"{_CONFIGIQ}; llm-d-incubation/llm-d-planner src/planner/knowledge_base/model_catalog.py"
    ),
    f"{_CONFIGIQ}: a node's power is base + GPU TDP x GPUs where no maximum draw is published": (
        f"{_CONFIGIQ}: a potência de um nó é a base + TDP da GPU x GPUs onde não há consumo "
        "máximo publicado"
    ),
    "the step-time model's bandwidth_efficiency (catalogs/perf.json), fitted by "
    "scripts/fit_perf.py on the 'fit' points of the public measured benchmarks "
    "(tests/data/benchmarks); measured MBU is usually 0.6-0.8": (
        "o bandwidth_efficiency do modelo de tempo de passo (catalogs/perf.json), ajustado por "
        "scripts/fit_perf.py nos pontos 'fit' dos benchmarks públicos medidos "
        "(tests/data/benchmarks); a MBU medida costuma ficar entre 0.6 e 0.8"
    ),
    "the step-time model's prefill_compute_efficiency (catalogs/perf.json), fitted by "
    "scripts/fit_perf.py on the 'fit' points of the public measured benchmarks "
    "(tests/data/benchmarks); llm-analysis (cli99/llm-analysis) uses up to 0.7": (
        "o prefill_compute_efficiency do modelo de tempo de passo (catalogs/perf.json), ajustado "
        "por scripts/fit_perf.py nos pontos 'fit' dos benchmarks públicos medidos "
        "(tests/data/benchmarks); o llm-analysis (cli99/llm-analysis) usa até 0.7"
    ),
}


def catalog_text(text: str, lang: Lang) -> str:
    """A catalog phrase in the face's language: its rendering in pt-BR, else as written."""
    return PT_BR.get(text, text) if lang == "pt-BR" else text
