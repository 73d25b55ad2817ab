"""Publisher names for the hosts of the sites mirrors copy, used when no dateline names one."""

from __future__ import annotations

from provenance.models import Candidate
from provenance.urls import host

# Registrable domain → the name the site uses in its own datelines.
HOST_PUBLISHERS = {
    "epochtimes.com": "大纪元 Epoch Times", "theepochtimes.com": "The Epoch Times",
    "minghui.org": "明慧网", "soundofhope.org": "希望之声", "voachinese.com": "美国之音",
    "voanews.com": "Voice of America", "rfa.org": "自由亚洲电台", "ntdtv.com": "新唐人",
    "ntd.com": "NTD", "dw.com": "德国之声", "bbc.com": "BBC中文", "bbc.co.uk": "BBC中文",
    "secretchina.com": "看中国", "aboluowang.com": "阿波罗新闻网", "rfi.fr": "法广",
    "zaobao.com": "联合早报", "nytimes.com": "纽约时报", "cn.nytimes.com": "纽约时报中文网",
    "backchina.com": "倍可亲", "ntdtv.com.tw": "新唐人", "voacantonese.com": "美國之音",
    "epochtimes.com.tw": "大紀元", "secretchina.com.tw": "看中國", "soundofhope.kr": "希望之声",
}  # fmt: skip
HOST_CONFIDENCE = 0.6


def publisher_from_url(url: Candidate) -> Candidate | None:
    """A ``url.host`` publisher candidate for a known original URL host, or None."""
    name = host(url.normalized or url.value)
    while name:
        if name in HOST_PUBLISHERS:
            return Candidate(
                line=url.line, column=url.column, raw=url.value, rule="url.host",
                confidence=HOST_CONFIDENCE, field="publisher", value=HOST_PUBLISHERS[name],
            )  # fmt: skip
        name = name.partition(".")[2]
    return None
