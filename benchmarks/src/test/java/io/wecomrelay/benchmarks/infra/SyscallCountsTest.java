package io.wecomrelay.benchmarks.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class SyscallCountsTest {

    @Test
    void perfsPerThreadLinesAddUpByThreadGroupAndKind() {
        var groups = SyscallCounts.parse(List.of(
                "# started on Sun Dec  6 22:30:00 2026",
                "",
                "reactor-http-epoll-1-101,40,,raw_syscalls:sys_enter,1544088,100.00,,",
                "reactor-http-epoll-2-102,60,,raw_syscalls:sys_enter,1544088,100.00,,",
                "C2 CompilerThre-103,<not counted>,,raw_syscalls:sys_enter,0,100.00,,",
                "reactor-http-epoll-1-101,10,,syscalls:sys_enter_epoll_wait,1544088,100.00,,",
                "reactor-http-epoll-2-102,5,,syscalls:sys_enter_epoll_pwait,1544088,100.00,,",
                "reactor-http-epoll-1-101,7,,syscalls:sys_enter_writev,1544088,100.00,,",
                "reactor-http-epoll-2-102,3,,syscalls:sys_enter_write,1544088,100.00,,",
                "reactor-http-epoll-2-102,4,,syscalls:sys_enter_recvfrom,1544088,100.00,,",
                "reactor-http-epoll-1-101,2,,syscalls:sys_enter_futex,1544088,100.00,,"));

        var loops = groups.get("reactor-http-epoll");
        assertThat(loops.threads()).isEqualTo(2);
        assertThat(loops.get(SyscallCounts.Kind.TOTAL)).isEqualTo(100);
        assertThat(loops.get(SyscallCounts.Kind.EPOLL_WAIT)).isEqualTo(15);
        assertThat(loops.get(SyscallCounts.Kind.WRITE)).isEqualTo(10);
        assertThat(loops.get(SyscallCounts.Kind.READ)).isEqualTo(4);
        assertThat(loops.get(SyscallCounts.Kind.FUTEX)).isEqualTo(2);
        assertThat(loops.other()).isEqualTo(100 - 15 - 10 - 4 - 2);
        assertThat(groups.get("C2 CompilerThre").get(SyscallCounts.Kind.TOTAL)).isZero();
        assertThat(SyscallCounts.total(groups).get(SyscallCounts.Kind.TOTAL)).isEqualTo(100);
    }
}
