package io.gantry.cli; public final class Gantry { public static void main(String[] a) {} }
